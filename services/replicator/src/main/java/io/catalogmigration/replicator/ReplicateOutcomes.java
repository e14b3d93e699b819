package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/** The one outcome of a run: published first (at least once), then recorded as the run's end in the ledger. */
class ReplicateOutcomes {

    private static final Logger log = LoggerFactory.getLogger(ReplicateOutcomes.class);

    private final MessagePublisher publisher;
    private final RunLedger ledger;

    ReplicateOutcomes(MessagePublisher publisher, RunLedger ledger) {
        this.publisher = publisher;
        this.ledger = ledger;
    }

    void failed(ReplicateCommand command, String reason, String action) {
        String database = command.source() == null ? null : command.source().describe();
        log.error("{} {} of migration {} on {} FAILED: {}. What to do: {}", command.getClass().getSimpleName(),
                command.commandId(), command.migrationId(), database, reason, action);
        var event = new ReplicationFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.getClass().getSimpleName(), database, reason, action);
        publisher.outcome(event);
        ledger.say(command.commandId(), "Failed: " + reason);
        ledger.finish(command.commandId(), RunStatus.FAILED, reason, MessageJson.mapper().writeValueAsString(event));
    }

    void succeeded(OutcomeEvent event, String summary) {
        log.info("Replicate run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        publisher.outcome(event);
        ledger.say(event.runId(), summary);
        ledger.finish(event.runId(), RunStatus.SUCCEEDED, summary, MessageJson.mapper().writeValueAsString(event));
    }
}
