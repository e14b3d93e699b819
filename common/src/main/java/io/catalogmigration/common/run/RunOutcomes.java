package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.OutcomeOutbox;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;

/**
 * The end of a run, the same in every service, with exactly one outcome: in one ledger transaction the outcome is
 * recorded in the outbox, the run says its last message and is finished with the outcome as its details. Then the
 * {@link OutcomeRelay} publishes it on {@code migration.outcome} (this waits for that, up to
 * {@code migration.outbox.await}; when the broker cannot be reached the run is finished all the same and its outcome
 * follows when it can). A crash at any point leaves either nothing recorded (the run is unfinished and its service's
 * recovery carries it on) or a recorded outcome that the relay publishes once. Finally the run's progress send times
 * are dropped (its gauges stay to be scraped until they are stale, see ProgressReporter). Each service's
 * {@code *Outcomes} builds its event and log lines, then ends the run here.
 */
public class RunOutcomes {

    private static final Logger log = LoggerFactory.getLogger(RunOutcomes.class);

    private final RunLedger ledger;
    private final OutcomeOutbox outbox;
    private final OutcomeRelay relay;
    private final ProgressReporter progress;
    private final TransactionTemplate tx;
    private final Duration await;

    public RunOutcomes(RunLedger ledger, OutcomeOutbox outbox, OutcomeRelay relay, ProgressReporter progress,
                       TransactionTemplate tx, Duration await) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.relay = relay;
        this.progress = progress;
        this.tx = tx;
        this.await = await;
    }

    /**
     * A failed run: says "Failed: reason" and keeps the reason as the run's state message. False when the run had its
     * outcome already (this one is dropped).
     */
    public boolean failed(OutcomeEvent event, String reason) {
        return finish(event, RunStatus.FAILED, "Failed: " + reason, reason);
    }

    /** A run that did what it was asked: says and keeps the summary. */
    public void succeeded(OutcomeEvent event, String summary) {
        finish(event, RunStatus.SUCCEEDED, summary, summary);
    }

    /**
     * @param said         the run's last message
     * @param stateMessage what the ledger keeps as the run's state message
     */
    public boolean finish(OutcomeEvent event, RunStatus status, String said, String stateMessage) {
        return finish(event, status, said, stateMessage, () -> { });
    }

    /**
     * @param alongside the service's own ledger writes that end with the run (e.g. the lineage run's jobs), in the
     *                  same transaction
     */
    public boolean finish(OutcomeEvent event, RunStatus status, String said, String stateMessage, Runnable alongside) {
        String json = MessageJson.mapper().writeValueAsString(event);
        // Inside a caller's transaction the outcome is not committed here: the relay takes it at its next look.
        boolean callersTransaction = TransactionSynchronizationManager.isActualTransactionActive();
        boolean recorded = Boolean.TRUE.equals(tx.execute(transaction -> {
            if (!outbox.record(event.eventId(), event.runId(), Topics.OUTCOME, event.migrationId(), json)) {
                return false;
            }
            alongside.run();
            ledger.say(event.runId(), said);
            ledger.finish(event.runId(), status, stateMessage, json);
            return true;
        }));
        if (!recorded) {
            log.warn("Run {} of migration {} has its outcome already; this one ({}) is neither recorded nor published",
                    event.runId(), event.migrationId(), event.getClass().getSimpleName());
            return false;
        }
        if (!callersTransaction && !relay.awaitRelayed(event.eventId(), await)) {
            log.warn("The outcome of run {} of migration {} is recorded but not on {} yet; it is published as soon as "
                    + "the broker can be reached", event.runId(), event.migrationId(), Topics.OUTCOME);
        }
        progress.ended(event.runId());
        return true;
    }
}
