package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.pg.CopyPipe;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The initial copy without table synchronisation ({@code replicator.initial-copy: snapshot}): the slot is created over
 * a replication connection that exports its snapshot. While that connection stays open here, the tables, large ones in
 * block ranges (ctid ranges of {@code copy-chunk}), go as work items (at most 100 per message) on the replicator's work
 * topic to the consumer group of every replicator instance, this one included ({@link CopyWorker}): each range is
 * piped, {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} into {@code COPY ... FROM STDIN}, in its own REPEATABLE
 * READ transaction that imports the snapshot. The subscription then starts at the slot's consistent point with
 * {@code copy_data = false}: every change after the snapshot arrives through replication, none before it twice.
 */
record SnapshotCopier(ReplicatorProperties settings, PgConnector connector, SecretResolver secrets,
                      ProgressReporter progress, RunLedger ledger, MessagePublisher publisher) {

    /** The ledger's kind for a snapshot copy's run: its batches are the copy's work messages. */
    static final String KIND = "copy";

    private static final Logger log = LoggerFactory.getLogger(SnapshotCopier.class);
    /** Bytes of one work message at most, so that copying it stays well inside the work listener's poll interval. */
    private static final long MESSAGE_BYTES = 4L << 30;

    /**
     * Drops a slot left by an earlier attempt (its snapshot is gone, so the copy starts over), creates the slot with an
     * exported snapshot, empties the target's tables for a new copy run (an earlier one's workers can no longer write,
     * {@link CopyMarks}), publishes the chunks and waits, holding the snapshot, until the workers have copied them all.
     * Returns the bytes copied (the tables' size, as planned per chunk).
     */
    long copy(StartReplication command, PgEndpoint target, String slot, List<SourceTables.Table> tables) throws SQLException {
        PgEndpoint source = command.source();
        try (Connection admin = connector.connect(source)) {
            if (Sql.exists(admin, "select 1 from pg_replication_slots where slot_name = ?", slot)) {
                Sql.one(admin, "select pg_drop_replication_slot(?)::text", slot);
                log.info("Replication slot {} of an unfinished snapshot copy dropped: the copy starts over", slot);
            }
        }
        long started = System.nanoTime();
        try (Connection replication = replicationConnection(source)) {
            var info = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot).withOutputPlugin("pgoutput").make();
            String snapshot = info.getSnapshotName();
            if (snapshot == null || snapshot.isBlank()) {
                throw new MigrationProblem("the source exported no snapshot with slot " + slot,
                        "use replicator.initial-copy: native, or send ResetReplication and StartReplication again");
            }
            log.info("Replication slot {} created at {} with snapshot {}", slot, info.getConsistentPoint(), snapshot);
            UUID copyRun = UUID.nameUUIDFromBytes((KIND + "|" + command.commandId() + "|" + snapshot).getBytes(StandardCharsets.UTF_8));
            supersedeEarlier(command, copyRun);
            List<CopyChunk> chunks = chunks(source, tables);
            try (Connection connection = connector.connect(target)) {
                connection.setAutoCommit(false);
                CopyMarks.takeOver(connection, copyRun);
                if (!tables.isEmpty()) {
                    Sql.execute(connection, "TRUNCATE ONLY " + String.join(", ", tables.stream().map(SourceTables.Table::qualified).toList()));
                }
                connection.commit();
            }
            long total = chunks.stream().mapToLong(CopyChunk::bytes).sum();
            var reading = new Reading(command.migrationId(), command.commandId(), source.database(), total, chunks.size(), Instant.now());
            progress.announce(reading.at(0));
            plan(command, copyRun, snapshot, chunks, total);
            long bytes = WorkRuns.await(ledger, copyRun, settings.copyStall(), "the snapshot copy",
                    "send StartReplication again (the copy starts over under a new snapshot)").done();
            try (Connection connection = connector.connect(target)) {
                log.info("Snapshot copy run {}: chunks copied by instance {}", copyRun, CopyMarks.byInstance(connection, copyRun));
            }
            progress.announce(reading.at(total));
            log.info("Snapshot copy of {} tables ({} chunks, {} MB) took {} ms", tables.size(), chunks.size(),
                    bytes >> 20, (System.nanoTime() - started) / 1_000_000);
            return bytes;
        }
    }

    /** A copy of this StartReplication begun before (under a snapshot now gone) is over: its messages are dropped. */
    private void supersedeEarlier(StartReplication command, UUID copyRun) {
        for (var run : ledger.active(KIND, command.migrationId())) {
            var plan = MessageJson.mapper().readValue(run.plan() == null ? "{}" : run.plan(), CopyPlan.class);
            if (!run.runId().equals(copyRun) && command.commandId().equals(plan.startRun())) {
                ledger.finish(run.runId(), RunStatus.FAILED, "superseded: the copy started over under a new snapshot", "{}");
            }
        }
    }

    /** Records the copy run with its work messages in the ledger, then publishes them. */
    private void plan(StartReplication command, UUID copyRun, String snapshot, List<CopyChunk> chunks, long total) {
        ledger.open(copyRun, command.migrationId(), KIND, MessageJson.mapper().writerFor(ReplicateCommand.class)
                .writeValueAsString(command));
        // at least one message per partition, and none so large that copying it outlasts the listener's poll interval
        int messages = (int) Math.max(settings.verify().partitions(), (total + MESSAGE_BYTES - 1) / MESSAGE_BYTES);
        List<Batch> batches = new ArrayList<>();
        for (var part : WorkSharing.balance(chunks, CopyChunk::bytes, settings.itemsPerMessage(), messages)) {
            batches.add(new Batch(copyRun, batches.size(), 0, Batch.PLANNED, part.size(), 0,
                    MessageJson.mapper().writeValueAsString(part)));
        }
        var plan = new CopyPlan(snapshot, command.source().database(), command.commandId(), chunks.size());
        ledger.start(copyRun, "COPYING", total, MessageJson.mapper().writeValueAsString(plan), batches);
        if (batches.isEmpty()) {
            ledger.finish(copyRun, RunStatus.SUCCEEDED, "nothing to copy", "{}");
            return;
        }
        WorkRuns.publishPending(ledger, publisher, copyRun, settings.verify().partitions());
        log.info("Snapshot copy of {}: {} chunks ({} MB) in {} work messages on {}", plan.database(), chunks.size(),
                total >> 20, batches.size(), Topics.REPLICATE_WORK);
    }

    private Connection replicationConnection(PgEndpoint source) throws SQLException {
        Properties props = PgConnector.properties(source, secrets, "catalog-migration-replicator-snapshot");
        PGProperty.REWRITE_BATCHED_INSERTS.set(props, false);
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        try {
            return DriverManager.getConnection(PgConnector.URL, props);
        } catch (SQLException e) {
            throw new MigrationProblem("cannot open a replication connection to " + source.describe() + ": "
                    + PgErrors.describe(e), "give the source administrator the REPLICATION attribute (or use "
                    + "replicator.initial-copy: native), then send StartReplication again");
        }
    }

    /** Whole tables, and block ranges of those larger than copy-chunk. */
    private List<CopyChunk> chunks(PgEndpoint source, List<SourceTables.Table> tables) throws SQLException {
        List<CopyChunk> chunks = new ArrayList<>();
        long chunkBytes = settings.copyChunk().toBytes();
        try (Connection connection = connector.connect(source)) {
            long blockSize = Long.parseLong(Sql.one(connection, "select current_setting('block_size')"));
            long pagesPerChunk = Math.max(1, chunkBytes / blockSize);
            for (var table : tables) {
                String columns = CopyPipe.columns(connection, table.qualified());
                long heap = Long.parseLong(Sql.one(connection, "select pg_relation_size(?::regclass)::text", table.qualified()));
                long total = Long.parseLong(Sql.one(connection, "select pg_table_size(?::regclass)::text", table.qualified()));
                long pages = heap / blockSize;
                if (columns.isEmpty()) {
                    continue;
                }
                if (heap <= chunkBytes) {
                    chunks.add(new CopyChunk(table.qualified(), columns, -1, -1, total));
                    continue;
                }
                for (long from = 0; from < pages; from += pagesPerChunk) {
                    long to = from + pagesPerChunk >= pages ? -1 : from + pagesPerChunk;
                    chunks.add(new CopyChunk(table.qualified(), columns, from, to, total * Math.min(pagesPerChunk, pages - from) / pages));
                }
            }
        }
        return chunks;
    }

    /** Progress of the copy: bytes of the tables' size (pg_table_size, as planned per chunk) copied of the total. */
    record Reading(String migrationId, UUID runId, String database, long total, int chunks, Instant startedAt) {

        Progress at(long done) {
            return new Progress(migrationId, runId, "copying", done, total, "bytes", startedAt,
                    "%s: %d tables or block ranges under the slot's exported snapshot".formatted(database, chunks));
        }
    }
}
