package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this instance becomes the active one (see ActiveInstance), carries out again the commands an earlier instance
 * left unfinished (every step is idempotent).
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
class ReplicateRecovery {

    private static final Logger log = LoggerFactory.getLogger(ReplicateRecovery.class);

    private final RunLedger ledger;
    private final ReplicateHandler handler;

    ReplicateRecovery(RunLedger ledger, ReplicateHandler handler) {
        this.ledger = ledger;
        this.handler = handler;
    }

    void resumeUnfinishedRuns() {
        for (Run run : ledger.unfinished(ReplicateHandler.KIND)) {
            log.info("Resuming replicate run {} of migration {}", run.runId(), run.migrationId());
            try {
                handler.submit(MessageJson.mapper().readValue(run.command(), ReplicateCommand.class));
            } catch (RuntimeException e) {
                log.error("Could not resume replicate run {}: {}. It stays unfinished; send the command again with a new "
                        + "commandId.", run.runId(), e.getMessage(), e);
            }
        }
    }
}
