package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.progress.ProgressReporter;

/**
 * The end of a run, the same in every service: the outcome published on {@code migration.outcome} (at least once: a
 * crash between publishing and recording repeats it on recovery), a last message, the run finished in the ledger
 * with the outcome as its details, and the run's progress send times dropped (its gauges stay to be scraped until
 * they are stale, see ProgressReporter). Each service's
 * {@code *Outcomes} builds its event and log lines, then ends the run here.
 */
public class RunOutcomes {

    private final MessagePublisher publisher;
    private final RunLedger ledger;
    private final ProgressReporter progress;

    public RunOutcomes(MessagePublisher publisher, RunLedger ledger, ProgressReporter progress) {
        this.publisher = publisher;
        this.ledger = ledger;
        this.progress = progress;
    }

    /** A failed run: says "Failed: reason" and keeps the reason as the run's state message. */
    public void failed(OutcomeEvent event, String reason) {
        finish(event, RunStatus.FAILED, "Failed: " + reason, reason);
    }

    /** A run that did what it was asked: says and keeps the summary. */
    public void succeeded(OutcomeEvent event, String summary) {
        finish(event, RunStatus.SUCCEEDED, summary, summary);
    }

    /**
     * @param said         the run's last message
     * @param stateMessage what the ledger keeps as the run's state message
     */
    public void finish(OutcomeEvent event, RunStatus status, String said, String stateMessage) {
        publisher.outcome(event);
        ledger.say(event.runId(), said);
        ledger.finish(event.runId(), status, stateMessage, MessageJson.mapper().writeValueAsString(event));
        progress.ended(event.runId());
    }
}
