package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/** The one outcome of a run, with its log lines; common's RunOutcomes records it and ends the run. */
record ReplicateOutcomes(RunOutcomes runs) {

    private static final Logger log = LoggerFactory.getLogger(ReplicateOutcomes.class);

    void failed(ReplicateCommand command, String reason, String action) {
        String database = command.source() == null ? null : command.source().describe();
        log.error("{} {} of migration {} on {} FAILED: {}. What to do: {}", command.getClass().getSimpleName(),
                command.commandId(), command.migrationId(), database, reason, action);
        var event = new ReplicationFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.getClass().getSimpleName(), database, reason, action);
        runs.failed(event, reason);
    }

    void succeeded(OutcomeEvent event, String summary) {
        log.info("Replicate run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        runs.succeeded(event, summary);
    }
}
