package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.pg.CopyPipe;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Copies one work message's chunks of a snapshot copy (at most 100), each in a transaction of its own on both sides:
 * the source's imports the slot's exported snapshot, the target's records the chunk as copied with its rows
 * ({@link CopyMarks}). A chunk recorded before a crash, or by another instance, is not copied again. The endpoints
 * and the snapshot come from the ledger's copy run, never from the message.
 */
class CopyWorker {

    private static final Logger log = LoggerFactory.getLogger(CopyWorker.class);

    private final PgConnector connector;
    private final RunLedger ledger;
    private final ProgressReporter progress;
    private final String instance = ReplicateWorkHandler.instanceName();

    CopyWorker(PgConnector connector, RunLedger ledger, ProgressReporter progress) {
        this.connector = connector;
        this.ledger = ledger;
        this.progress = progress;
    }

    /** {@code run}: the unfinished copy run whose open {@code batch} a work message names (see {@link ReplicateWorkHandler}). */
    void handle(Run run, Batch batch) {
        var command = (StartReplication) MessageJson.mapper().readValue(run.command(), ReplicateCommand.class);
        var plan = MessageJson.mapper().readValue(run.plan(), CopyPlan.class);
        List<CopyChunk> chunks = List.of(MessageJson.mapper().readValue(batch.payload(), CopyChunk[].class));
        long bytes = 0;
        CopyChunk current = null;
        try (Connection from = connector.connect(command.source());
             Connection to = connector.connect(command.target().withDatabase(plan.database()))) {
            from.setAutoCommit(false);
            to.setAutoCommit(false);
            Sql.execute(to, "SELECT pg_catalog.set_config('search_path', '', false)");
            to.commit();
            for (int item = 0; item < chunks.size(); item++) {
                current = chunks.get(item);
                if (!CopyMarks.claim(to, run.runId())) {
                    to.rollback();
                    log.info("Snapshot copy {} of {} was superseded by a newer one: its message {} is dropped", run.runId(),
                            plan.database(), batch.seq());
                    return;
                }
                if (!CopyMarks.copied(to, run.runId(), batch.seq(), item)) {
                    Sql.execute(from, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    Sql.execute(from, "SET TRANSACTION SNAPSHOT " + Sql.literal(plan.snapshot()));
                    Sql.execute(to, "SET LOCAL synchronous_commit = off");
                    CopyPipe.copy(from, current.select(), to, current.insert());
                    CopyMarks.record(to, run.runId(), batch.seq(), item, current.bytes(), instance);
                }
                to.commit();
                from.commit();
                bytes += current.bytes();
            }
            // The chunks committed without waiting for their WAL to reach disk; one synchronous commit (an xid makes it
            // write a commit record) waits for all of it, before the ledger counts the message as done.
            Sql.one(to, "select pg_catalog.txid_current()::text");
            to.commit();
        } catch (SQLException e) {
            if (PgErrors.transientFault(e)) {
                throw new IllegalStateException("snapshot copy message " + batch.seq() + " of " + plan.database()
                        + " hit a transient fault and will be retried: " + PgErrors.serverMessage(e), e);
            }
            String reason = "copying " + (current == null ? "" : current.qualified() + " ") + "of " + plan.database()
                    + " failed: " + PgErrors.describe(e);
            log.error("Snapshot copy {}: {}. StartReplication fails with this reason and starts the copy over when sent "
                    + "again", run.runId(), reason);
            ledger.finish(run.runId(), RunStatus.FAILED, reason, "{}");
            return;
        }
        var completion = ledger.complete(batch.runId(), batch.seq(), bytes);
        progress.report(new Progress(run.migrationId(), plan.startRun(), "copying", completion.runDone(),
                completion.planned(), "bytes", run.startedAt(), "%s: %d tables or block ranges under the slot's exported snapshot"
                .formatted(plan.database(), plan.chunks())));
        if (completion.phaseComplete()) {
            ledger.finish(run.runId(), RunStatus.SUCCEEDED, "snapshot copy of " + plan.database() + " complete", "{}");
        }
    }
}
