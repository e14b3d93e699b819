package io.catalogmigration.scan;

import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;
import io.catalogmigration.common.ledger.RunState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import java.time.Instant;

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
        UnfinishedRuns.resume(ledger, ScanPlanner.KIND, this::resume, "send StartScan again with a new commandId to start over");
    }

    private void resume(Run run) {
        if (run.state() == RunState.QUEUED) {
            planner.plan(MessageJson.mapper().readValue(run.command(), StartScan.class), Instant.now());
        } else {
            dispatcher.advance(run.runId());
        }
    }
}
