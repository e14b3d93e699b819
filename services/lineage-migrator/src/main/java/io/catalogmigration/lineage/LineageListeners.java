package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.common.kafka.InvalidMessageException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Adapters only: unwrap the messages, call the application. */
class LineageListeners {

    private final LineageStarter starter;
    private final LineageCommands commands;
    private final LinkConsumer consumer;

    LineageListeners(LineageStarter starter, LineageCommands commands, LinkConsumer consumer) {
        this.starter = starter;
        this.commands = commands;
        this.consumer = consumer;
    }

    @KafkaListener(id = "lineage-commands", groupId = "lineage-commands", topics = Topics.LINEAGE_COMMAND,
            containerFactory = "lineageCommandListenerFactory")
    void onCommand(LineageCommand command) {
        if (command instanceof StartLineageMigration start) {
            starter.start(start);
        } else if (command instanceof ResetLineagePointer reset) {
            commands.reset(reset);
        } else if (command instanceof ValidateLineage validate) {
            commands.validate(validate);
        }
    }

    /** Persists the readable messages before an unreadable one, then hands that one to the dead-letter topic. */
    @KafkaListener(id = "lineage-consumers", groupId = "lineage-consumers", topics = Topics.LINEAGE_WORK,
            containerFactory = "lineageWorkListenerFactory")
    void onLinks(List<ConsumerRecord<String, LinkBatch>> records) throws SQLException {
        List<LinkBatch> readable = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            LinkBatch batch = records.get(i).value();
            if (batch == null) {
                consumer.persist(readable);
                // Not retryable: the dead-letter recoverer finds the deserialization failure in the record's headers.
                throw new BatchListenerFailedException("unreadable lineage work record",
                        new InvalidMessageException("message " + i + " of the poll could not be read as a LinkBatch"), i);
            }
            readable.add(batch);
        }
        consumer.persist(readable);
    }
}
