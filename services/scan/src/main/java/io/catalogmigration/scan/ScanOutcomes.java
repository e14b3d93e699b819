package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** The one outcome of a run, with its log lines; common's RunOutcomes records it and ends the run. */
record ScanOutcomes(RunOutcomes runs) {

    private static final Logger log = LoggerFactory.getLogger(ScanOutcomes.class);

    void failed(UUID runId, StartScan command, String reason, String action) {
        failed(runId, command.migrationId(), command.databases().stream().filter(Objects::nonNull)
                .map(PgEndpoint::describe).toList(), reason, action);
    }

    /** False when the run had its outcome already (this one is dropped). */
    boolean failed(UUID runId, String migrationId, List<String> databases, String reason, String action) {
        log.error("Scan run {} of migration {} on {} FAILED: {}. What to do: {}", runId, migrationId, databases, reason, action);
        var event = new ScanFailed(UUID.randomUUID(), migrationId, Instant.now(), runId, reason, action, databases);
        return runs.failed(event, reason);
    }

    void completed(ScanCompleted event) {
        String summary = "%s: scanned %d tables (%,d bytes), %d corrupted rows in %s%s".formatted(event.mode(),
                event.tablesScanned(), event.bytesScanned(), event.corruptedRows(), event.failedTables(),
                switch (event.mode()) {
                    case REPORT -> "";
                    case REPAIR -> ", %d deleted".formatted(event.deletedRows());
                });
        log.info("Scan run {} of migration {} completed in {} ms. {}", event.runId(), event.migrationId(),
                event.elapsedMillis(), summary);
        for (var database : event.databases()) {
            log.info("  {}: method {}{}, {} tables, {} bytes", database.database(), database.method(),
                    database.note() == null ? "" : " (" + database.note() + ")", database.tables().size(), database.bytes());
            database.tables().stream().filter(t -> !t.corrupted().isEmpty()).forEach(t -> t.corrupted().forEach(r ->
                    log.info("    {} {} ctid {} key {}: {}{}", t.status(), r.table(), r.ctid(), r.key(), r.error(),
                            t.deleted().stream().anyMatch(d -> d.ctid().equals(r.ctid())) ? " (deleted)" : "")));
        }
        if (event.corruptedRows() > 0 && event.mode() == io.catalogmigration.common.contract.ScanMode.REPORT) {
            log.warn("Scan run {}: corrupted rows found. What to do: check them (the keys are in the outcome), then send "
                    + "StartScan with mode REPAIR to delete exactly those rows", event.runId());
        }
        runs.succeeded(event, summary);
    }
}
