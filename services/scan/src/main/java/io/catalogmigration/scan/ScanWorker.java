package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.WorkBatch;
import io.catalogmigration.common.pg.Catalog;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Checks one work message, item by item, with the method the plan chose for its database; records what it finds
 * (and, in REPAIR, deletes) in the scan schema before the message is marked done. An item checked before a crash
 * is not checked again; a redelivered message changes nothing.
 */
record ScanWorker(RunLedger ledger, Findings findings, PgPools pools, ScanDispatcher dispatcher, ScanOutcomes outcomes,
                  ProgressReporter progress) {

    private static final Logger log = LoggerFactory.getLogger(ScanWorker.class);

    /** Checks the batch the ledger holds for the message's run and seq: the message itself says nothing else. */
    void handle(ScanWork message) {
        var found = WorkBatch.find(ledger, message.runId(), message.seq());
        if (found.isEmpty()) {
            log.info("Scan run {} is finished: ignoring work message {}", message.runId(), message.seq());
            return;
        }
        var run = found.get().run();
        Batch batch = found.get().batch();
        ScanWorkBatch work = MessageJson.mapper().readValue(batch.payload(), ScanWorkBatch.class);
        if (batch.isDone()) {
            log.info("Scan run {}: work message {} was done before; checking nothing again", run.runId(), work.seq());
            dispatcher.advance(work.runId());
            return;
        }
        String database = work.database().describe();
        long bytes = 0;
        try (Connection connection = pools.connect(work.database())) {
            connection.setAutoCommit(true);
            for (int i = 0; i < work.items().size(); i++) {
                ScanItem item = work.items().get(i);
                bytes += item.bytes();
                if (findings.itemDone(work.runId(), work.seq(), i)) {
                    continue;
                }
                long started = System.nanoTime();
                check(connection, work, item);
                findings.markItemDone(work.runId(), work.seq(), i, database, item, work.method().name(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (SQLException e) {
            if (PgErrors.transientFault(e)) {
                throw new IllegalStateException("scan message " + work.seq() + " of run " + work.runId()
                        + " hit a transient fault and will be retried: " + PgErrors.serverMessage(e), e);
            }
            outcomes.failed(run.runId(), run.migrationId(), List.of(database), "checking work message " + work.seq() + " on "
                            + database + " failed: " + PgErrors.serverMessage(e) + " (SQLSTATE " + e.getSQLState() + ")",
                    "fix the cause (privileges, a table dropped or changed while scanning), then send StartScan again "
                            + "with a new commandId; rows deleted so far are listed in the scan.deleted_row table");
            return;
        }
        var completion = ledger.complete(work.runId(), work.seq(), bytes);
        progress.report(new Progress(run.migrationId(), run.runId(), "scanning", completion.runDone(), completion.planned(),
                "bytes", run.startedAt(), "%d/%d tables".formatted(findings.tablesDone(run.runId()), work.tablesInRun())));
        if (completion.phaseComplete()) {
            dispatcher.advance(work.runId());
        }
    }

    private void check(Connection connection, ScanWorkBatch work, ScanItem item) throws SQLException {
        var suspects = work.method() == ScanMethod.AMCHECK
                ? AmcheckScanner.check(connection, work.amcheckSchema(), item)
                : RowReader.check(connection, item.table(), item);
        if (suspects.isEmpty()) {
            return;
        }
        String database = work.database().describe();
        var primaryKey = Catalog.find(connection, TableName.parse(item.table())).map(Catalog.Table::primaryKey).orElse(List.of());
        for (Suspect found : suspects) {
            Suspect suspect = found.addressable()
                    ? found.withKey(RowKeys.read(connection, item.table(), primaryKey, found.ctid())) : found;
            log.warn("Scan run {} ({}): corrupted row in {}/{} at ctid {} key {}: {}", work.runId(), work.method(),
                    work.database().database(), item.table(), suspect.ctid(), suspect.key(), suspect.error());
            findings.found(work.runId(), database, item.table(), suspect);
            if (work.mode() == ScanMode.REPAIR) {
                var result = Repairer.repair(connection, item.table(), suspect);
                if (result == Repairer.Result.DELETED) {
                    findings.deleted(work.runId(), database, item.table(), suspect);
                }
                log.info("Scan run {}: REPAIR {}/{} ctid {}: {}", work.runId(), work.database().database(), item.table(),
                        suspect.ctid(), result.description);
            }
        }
    }
}
