package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The one outcome of a run, with its log lines; common's RunOutcomes records it and ends the run. */
record PruneOutcomes(RunOutcomes runs) {

    private static final Logger log = LoggerFactory.getLogger(PruneOutcomes.class);

    /** False when the run had its outcome already (this one is dropped). */
    boolean failed(UUID runId, String migrationId, String database, String reason, String action, List<PrunedTable> tables) {
        log.error("Prune run {} of migration {} on {} FAILED: {}. What to do: {}", runId, migrationId, database, reason, action);
        var event = new PruneFailed(UUID.randomUUID(), migrationId, Instant.now(), runId, database, reason, action, tables);
        return runs.failed(event, reason);
    }

    void completed(PruneCompleted event) {
        String summary = switch (event.mode()) {
            case DRY_RUN -> "Dry run: would delete %,d rows".formatted(event.tables().stream()
                    .mapToLong(PrunedTable::pastRetentionBefore).sum());
            case PURGE -> "Deleted %,d rows".formatted(event.rowsDeleted());
        };
        log.info("Prune run {} of migration {} on {} completed in {} ms. {} from {} tables.",
                event.runId(), event.migrationId(), event.database(), event.elapsedMillis(), summary, event.tables().size());
        event.tables().forEach(t -> log.info("  {} {}: {} rows before, {} past retention (cutoff {}), {} deleted, {} left past retention{}",
                t.status(), t.table(), t.rowsBefore(), t.pastRetentionBefore(), t.cutoff(), t.deleted(),
                t.pastRetentionAfter(), t.note() == null ? "" : " - " + t.note()));
        runs.succeeded(event, summary);
    }
}
