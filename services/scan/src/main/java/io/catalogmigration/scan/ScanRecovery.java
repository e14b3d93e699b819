package io.catalogmigration.scan;

import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * On start, picks up runs an earlier instance left unfinished: plans again what was still planning (nothing was
 * checked yet), publishes work planned but never sent, and reports runs that were reporting. Work messages already
 * on the topic are redelivered by Kafka itself, and items checked before the crash are skipped.
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
record ScanRecovery(RunLedger ledger, ScanPlanner planner, ScanDispatcher dispatcher) {

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinishedRuns() {
        UnfinishedRuns.resumePlanned(ledger, ScanPlanner.KIND, StartScan.class, planner::plan, dispatcher::advance);
    }
}
