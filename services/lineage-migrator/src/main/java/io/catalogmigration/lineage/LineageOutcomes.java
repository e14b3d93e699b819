package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/** The one outcome of a run: published first (at least once), then recorded as the run's end, with its jobs'. */
class LineageOutcomes {

    private static final Logger log = LoggerFactory.getLogger(LineageOutcomes.class);

    private final MessagePublisher publisher;
    private final RunLedger ledger;

    LineageOutcomes(MessagePublisher publisher, RunLedger ledger) {
        this.publisher = publisher;
        this.ledger = ledger;
    }

    void failed(UUID runId, String migrationId, String reason, String action, Long sourceLinks, Long edges) {
        log.error("Lineage run {} of migration {} FAILED: {}. What to do: {}. Lineage V2 stays in force.",
                runId, migrationId, reason, action);
        var event = new LineageMigrationFailed(UUID.randomUUID(), migrationId, Instant.now(), runId, reason, action,
                sourceLinks, edges);
        publisher.outcome(event);
        finish(runId, RunStatus.FAILED, "Failed: " + reason, event);
    }

    void succeeded(OutcomeEvent event, String summary) {
        log.info("Lineage run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        publisher.outcome(event);
        finish(event.runId(), RunStatus.SUCCEEDED, summary, event);
    }

    private void finish(UUID runId, RunStatus status, String message, OutcomeEvent event) {
        String json = MessageJson.mapper().writeValueAsString(event);
        for (UUID jobId : new UUID[]{Jobs.links(runId), Jobs.linkNodes(runId)}) {
            var job = ledger.find(jobId).filter(j -> !j.finished());
            if (job.isEmpty()) {
                continue;
            }
            // A job that succeeded keeps its own last word ("Published 435 links"); a failed one says why.
            if (status == RunStatus.FAILED) {
                ledger.say(jobId, message);
            }
            ledger.finish(jobId, status, status == RunStatus.FAILED ? message : job.get().stateMessage(), json);
        }
        ledger.say(runId, message);
        ledger.finish(runId, status, message, json);
    }
}
