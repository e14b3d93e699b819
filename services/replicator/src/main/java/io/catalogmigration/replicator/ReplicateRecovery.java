package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;

/**
 * When this instance becomes the active one (see ActiveInstance), carries out again the commands an earlier instance
 * left unfinished (every step is idempotent).
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
record ReplicateRecovery(RunLedger ledger, ReplicateHandler handler) {

    void resumeUnfinishedRuns() {
        UnfinishedRuns.resume(ledger, ReplicateHandler.KIND,
                run -> handler.submit(MessageJson.mapper().readValue(run.command(), ReplicateCommand.class)),
                "send the command again with a new commandId");
    }
}
