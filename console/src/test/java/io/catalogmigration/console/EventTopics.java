package io.catalogmigration.console;

import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.CommandSender;

/** Publishes events as the services do: JSON with its type, keyed by migration id, on the progress or outcome topic. */
final class EventTopics implements AutoCloseable {

    private final CommandSender sender;

    EventTopics(String bootstrapServers) {
        sender = new CommandSender(bootstrapServers);
    }

    void publish(MigrationEvent... events) {
        for (MigrationEvent event : events) {
            if (event instanceof ProgressEvent p) {
                sender.sendRaw(Topics.PROGRESS, p.migrationId(), MessageJson.mapper().writerFor(ProgressEvent.class).writeValueAsString(p));
            } else if (event instanceof OutcomeEvent o) {
                sender.sendRaw(Topics.OUTCOME, o.migrationId(), MessageJson.mapper().writerFor(OutcomeEvent.class).writeValueAsString(o));
            } else {
                throw new IllegalArgumentException("not an event of the event topics: " + event);
            }
        }
    }

    void publishRaw(String topic, String key, String value) {
        sender.sendRaw(topic, key, value);
    }

    @Override
    public void close() {
        sender.close();
    }
}
