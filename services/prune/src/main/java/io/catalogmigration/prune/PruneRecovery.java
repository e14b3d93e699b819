package io.catalogmigration.prune;

import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * On start, picks up runs an earlier instance left unfinished: plans again what was still planning (nothing was
 * deleted yet), publishes batches that were planned but never sent, and validates runs that were validating.
 * Batches already on the work topic are redelivered by Kafka itself.
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
record PruneRecovery(RunLedger ledger, PrunePlanner planner, PruneDispatcher dispatcher) {

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinishedRuns() {
        UnfinishedRuns.resumePlanned(ledger, PrunePlanner.KIND, StartPrune.class, planner::plan, dispatcher::advance);
    }
}
