package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/**
 * The one outcome of a run, with its log line; common's RunOutcomes records it with the run's end (and its jobs', in
 * the same transaction) and has it published.
 */
record LineageOutcomes(RunOutcomes runs, RunLedger ledger) {

    private static final Logger log = LoggerFactory.getLogger(LineageOutcomes.class);

    void failed(UUID runId, String migrationId, String reason, String action, Long sourceLinks, Long edges) {
        log.error("Lineage run {} of migration {} FAILED: {}. What to do: {}. Lineage V2 stays in force.",
                runId, migrationId, reason, action);
        var event = new LineageMigrationFailed(UUID.randomUUID(), migrationId, Instant.now(), runId, reason, action,
                sourceLinks, edges);
        finish(event, RunStatus.FAILED, "Failed: " + reason);
    }

    void succeeded(OutcomeEvent event, String summary) {
        log.info("Lineage run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        finish(event, RunStatus.SUCCEEDED, summary);
    }

    private void finish(OutcomeEvent event, RunStatus status, String message) {
        UUID runId = event.runId();
        runs.finish(event, status, message, message, () -> finishJobs(runId, status, message,
                MessageJson.mapper().writeValueAsString(event)));
    }

    private void finishJobs(UUID runId, RunStatus status, String message, String json) {
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
    }
}
