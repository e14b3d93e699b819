package io.catalogmigration.prune;

import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.BatchStep;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.WorkBatch;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.pg.Transactions;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Deletes one work batch, range by range, each range in its own short transaction that gives way (lock timeout)
 * rather than make the application wait. Ranges are idempotent, so a redelivered batch deletes nothing twice; the
 * batch's count is what the committed transactions recorded in the ledger, so a redelivery counts nothing twice and
 * loses nothing either.
 */
record PruneWorker(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneDispatcher dispatcher,
                   PruneOutcomes outcomes, ProgressReporter progress) {

    private static final Logger log = LoggerFactory.getLogger(PruneWorker.class);

    /** Deletes the batch the ledger holds for the message's run and seq: the message itself says nothing else. */
    void handle(PruneWork message) {
        var found = WorkBatch.find(ledger, message.runId(), message.seq());
        if (found.isEmpty()) {
            log.info("Prune run {} is finished: ignoring work batch {}", message.runId(), message.seq());
            return;
        }
        var run = found.get().run();
        Batch batch = found.get().batch();
        PruneWorkBatch work = MessageJson.mapper().readValue(batch.payload(), PruneWorkBatch.class);
        if (batch.phase() > run.phase()) {
            // Phases keep children's rows deleted before their parents'; this batch is published when its phase comes.
            log.warn("Prune run {}: work batch {} belongs to phase {}, the run is at phase {}; ignored until then",
                    run.runId(), message.seq(), batch.phase(), run.phase());
            return;
        }
        if (batch.isDone()) {
            log.info("Prune run {}: batch {} was done before; deleting nothing again, checking the run can move on",
                    run.runId(), work.seq());
            dispatcher.advance(work.runId());
            return;
        }
        long deleted;
        try (Connection connection = connector.connect(work.database())) {
            connection.setAutoCommit(true);
            try (var statement = connection.createStatement()) {
                statement.execute("set lock_timeout = " + settings.lockTimeout().toMillis());
            }
            connection.setAutoCommit(false);
            for (int step = 0; step < work.ranges().size(); step++) {
                delete(connection, work, step);
            }
            connection.setAutoCommit(true);
            deleted = committedCount(connection, work);
        } catch (SQLException e) {
            if (PgErrors.transientFault(e)) {
                throw new IllegalStateException("prune batch " + work.seq() + " of run " + work.runId()
                        + " hit a transient fault and will be retried: " + PgErrors.serverMessage(e), e);
            }
            outcomes.failed(run.runId(), run.migrationId(), work.database().describe(),
                    "deleting batch " + work.seq() + " failed: " + PgErrors.serverMessage(e) + " (SQLSTATE " + e.getSQLState() + ")",
                    "fix the cause (permissions, a changed table), then send StartPrune again with a new commandId: "
                            + "what was deleted stays deleted and the new run plans only what is left", List.of());
            return;
        }
        var completion = ledger.complete(work.runId(), work.seq(), deleted);
        progress.report(new Progress(run.migrationId(), run.runId(), "deleting", completion.runDone(), completion.planned(),
                "rows", run.startedAt(), null));
        if (completion.phaseComplete()) {
            dispatcher.advance(work.runId());
        }
    }

    /**
     * Deletes one range in its own transaction, and records in the ledger what it deleted under that transaction's id
     * before committing it. A crash after the commit and before the batch is completed leaves the record: the
     * redelivered batch finds the range empty (it deletes nothing) and still counts the rows once, because the
     * transaction that deleted them committed. A crash before the commit leaves a record whose transaction aborted: it
     * counts nothing and the range's rows are deleted again.
     */
    private void delete(Connection connection, PruneWorkBatch work, int step) throws SQLException {
        long deleted;
        try {
            deleted = delete(connection, work.ranges().get(step));
            String xid = Transactions.currentIdIfWritten(connection);
            if (xid != null) {
                ledger.recordStep(work.runId(), work.seq(), new BatchStep(step, xid, deleted));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException lost) {
                e.addSuppressed(lost);
            }
            throw e;
        }
    }

    /**
     * The batch's rows deleted: the sum over every transaction recorded for it (this delivery's and any earlier one's,
     * or another worker's given the same batch) that committed. One still in progress (a worker that died mid-range,
     * whose session the server has not ended yet, or another worker on this batch) is waited for by retrying.
     */
    private long committedCount(Connection connection, PruneWorkBatch work) throws SQLException {
        var steps = ledger.steps(work.runId(), work.seq());
        var fates = Transactions.fates(connection, steps.stream().map(BatchStep::xid).distinct().toList());
        long deleted = 0;
        for (BatchStep step : steps) {
            switch (fates.getOrDefault(step.xid(), Transactions.Fate.UNKNOWN)) {
                case COMMITTED -> deleted += step.done();
                case IN_PROGRESS -> throw new IllegalStateException("prune batch " + work.seq() + " of run " + work.runId()
                        + ": the delete of range " + step.step() + " (transaction " + step.xid() + ") is still in progress "
                        + "on " + work.database().describe() + "; retrying once it has ended");
                case ABORTED -> { }
                case UNKNOWN -> log.warn("Prune run {}: batch {} range {}: the server no longer knows whether transaction "
                        + "{} ({} rows) committed; not counted", work.runId(), work.seq(), step.step(), step.xid(), step.done());
            }
        }
        return deleted;
    }

    /**
     * The plain delete first, as fast as a hand-written one. Only if it meets a row still referenced by a newer one
     * (the statement then changes nothing) is the range deleted again with the guards, which keep such rows.
     */
    private static long delete(Connection connection, DeleteRange range) throws SQLException {
        try {
            return delete(connection, range, List.of());
        } catch (SQLException e) {
            if (!PgErrors.foreignKeyViolation(e) || range.guards().isEmpty()) {
                throw e;
            }
            connection.rollback();
            return delete(connection, range, range.guards());
        }
    }

    private static long delete(Connection connection, DeleteRange range, List<Guard> guards) throws SQLException {
        String table = TableName.parse(range.table()).quoted();
        String key = SqlIdentifier.quote(range.keyColumn());
        var sql = new StringBuilder("delete from ").append(table).append(" t where t.").append(key).append(" > ? and t.")
                .append(key).append(" <= ? and t.").append(SqlIdentifier.quote(range.timestampColumn())).append(" < ?");
        for (Guard guard : guards) {
            String match = IntStream.range(0, guard.childColumns().size())
                    .mapToObj(i -> "c." + SqlIdentifier.quote(guard.childColumns().get(i)) + " = t."
                            + SqlIdentifier.quote(guard.parentColumns().get(i)))
                    .collect(Collectors.joining(" and "));
            sql.append(" and not exists (select 1 from ").append(TableName.parse(guard.childTable()).quoted())
                    .append(" c where ").append(match).append(')');
        }
        try (var ps = connection.prepareStatement(sql.toString())) {
            ps.setLong(1, range.fromExclusive());
            ps.setLong(2, range.toInclusive());
            ps.setTimestamp(3, Timestamp.from(range.cutoff()));
            return ps.executeUpdate();
        }
    }
}
