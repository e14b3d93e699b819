package io.catalogmigration.scan;

import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
class ScanRecovery {

    private static final Logger log = LoggerFactory.getLogger(ScanRecovery.class);

    private final RunLedger ledger;
    private final ScanPlanner planner;
    private final ScanDispatcher dispatcher;

    ScanRecovery(RunLedger ledger, ScanPlanner planner, ScanDispatcher dispatcher) {
        this.ledger = ledger;
        this.planner = planner;
        this.dispatcher = dispatcher;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinishedRuns() {
        for (Run run : ledger.unfinished(ScanPlanner.KIND)) {
            log.info("Resuming scan run {} of migration {} ({} / {})", run.runId(), run.migrationId(), run.state(), run.stage());
            try {
                if (run.state() == RunState.QUEUED) {
                    planner.plan(MessageJson.mapper().readValue(run.command(), StartScan.class), Instant.now());
                } else {
                    dispatcher.advance(run.runId());
                }
            } catch (RuntimeException e) {
                log.error("Could not resume scan run {}: {}. It stays unfinished; send StartScan again with a new commandId "
                        + "to start over.", run.runId(), e.getMessage(), e);
            }
        }
    }
}
