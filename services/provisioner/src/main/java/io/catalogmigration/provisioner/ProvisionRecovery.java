package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;

/**
 * When this instance becomes the active one (see ActiveInstance: one at a time), runs again every run an earlier
 * instance left unfinished. Nothing is replayed step by step: every step
 * looks for what exists and adopts it, so running the whole command again continues where it stopped.
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
record ProvisionRecovery(RunLedger ledger, ProvisionRuns runs) {

    void resumeUnfinishedRuns() {
        UnfinishedRuns.resume(ledger, ProvisionRuns.KIND, run -> runs.running(run.runId()), run -> {
            ledger.say(run.runId(), "resumed after a restart");
            runs.submit(MessageJson.mapper().readValue(run.command(), ProvisionCommand.class));
        }, "send the command again with a new commandId to start over (what exists is adopted)");
    }
}
