package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.CopyPipe;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The initial copy without table synchronisation ({@code replicator.initial-copy: snapshot}): the slot is created over
 * a replication connection that exports its snapshot; while that connection stays open, {@code copy-workers}
 * connections copy the tables, large ones in block ranges (ctid ranges of {@code copy-chunk}), each range in its own
 * REPEATABLE READ transaction that imports the snapshot, piping {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)}
 * into {@code COPY ... FROM STDIN} on the target. The subscription then starts at the slot's consistent point with
 * {@code copy_data = false}: every change after the snapshot arrives through replication, none before it twice.
 */
class SnapshotCopier {

    private static final Logger log = LoggerFactory.getLogger(SnapshotCopier.class);

    private final ReplicatorProperties settings;
    private final PgConnector connector;
    private final SecretResolver secrets;
    private final ProgressReporter progress;

    SnapshotCopier(ReplicatorProperties settings, PgConnector connector, SecretResolver secrets, ProgressReporter progress) {
        this.progress = progress;
        this.settings = settings;
        this.connector = connector;
        this.secrets = secrets;
    }

    /** One table or one block range [fromPage, toPage) of it; toPage &lt; 0: to the end. */
    record Chunk(SourceTables.Table table, String columns, long fromPage, long toPage, long bytes) {

        String select() {
            return CopyPipe.statements(table.qualified(), columns, fromPage, toPage).get(0);
        }

        String insert() {
            return CopyPipe.statements(table.qualified(), columns, fromPage, toPage).get(1);
        }
    }

    /**
     * Drops a slot left by an earlier attempt (its snapshot is gone, so the copy starts over), empties the target's
     * tables, creates the slot with an exported snapshot and copies every table under it. Returns bytes copied.
     */
    long copy(String migrationId, UUID runId, PgEndpoint source, PgEndpoint target, String slot,
              List<SourceTables.Table> tables) throws SQLException {
        try (Connection admin = connector.connect(source)) {
            if (Sql.exists(admin, "select 1 from pg_replication_slots where slot_name = ?", slot)) {
                Sql.one(admin, "select pg_drop_replication_slot(?)::text", slot);
                log.info("Replication slot {} of an unfinished snapshot copy dropped: the copy starts over", slot);
            }
        }
        if (!tables.isEmpty()) {
            try (Connection connection = connector.connect(target)) {
                Sql.execute(connection, "TRUNCATE ONLY " + String.join(", ", tables.stream().map(SourceTables.Table::qualified).toList()));
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
            List<Chunk> chunks = chunks(source, tables);
            var reading = new Reading(migrationId, runId, source.database(), chunks.stream().mapToLong(Chunk::bytes).sum(),
                    chunks.size(), Instant.now());
            progress.announce(reading.at(0, 0));
            long bytes = copyAll(source, target, snapshot, chunks, reading);
            progress.announce(reading.at(reading.total, chunks.size()));
            log.info("Snapshot copy of {} tables ({} chunks, {} MB) took {} ms", tables.size(), chunks.size(),
                    bytes >> 20, (System.nanoTime() - started) / 1_000_000);
            return bytes;
        }
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

    /** Whole tables, and block ranges of those larger than copy-chunk; largest first. */
    private List<Chunk> chunks(PgEndpoint source, List<SourceTables.Table> tables) throws SQLException {
        List<Chunk> chunks = new ArrayList<>();
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
                    chunks.add(new Chunk(table, columns, -1, -1, total));
                    continue;
                }
                for (long from = 0; from < pages; from += pagesPerChunk) {
                    long to = from + pagesPerChunk >= pages ? -1 : from + pagesPerChunk;
                    chunks.add(new Chunk(table, columns, from, to, total * Math.min(pagesPerChunk, pages - from) / pages));
                }
            }
        }
        chunks.sort(Comparator.comparingLong(Chunk::bytes).reversed());
        return chunks;
    }

    /** Progress of the copy: bytes of the tables' size (pg_table_size, as planned per chunk) copied of the total. */
    private record Reading(String migrationId, UUID runId, String database, long total, int chunks, Instant startedAt) {

        Progress at(long done, int chunksDone) {
            return new Progress(migrationId, runId, "copying", done, total, "bytes", startedAt,
                    "%s: %d/%d tables or block ranges copied".formatted(database, chunksDone, chunks));
        }
    }

    private long copyAll(PgEndpoint source, PgEndpoint target, String snapshot, List<Chunk> chunks, Reading reading) {
        var queue = new ConcurrentLinkedQueue<>(chunks);
        var bytes = new AtomicLong();
        var planned = new AtomicLong();
        var chunksDone = new AtomicInteger();
        int workers = Math.max(1, Math.min(settings.copyWorkers(), chunks.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    try (Connection from = connector.connect(source); Connection to = connector.connect(target)) {
                        from.setAutoCommit(false);
                        to.setAutoCommit(false);
                        Sql.execute(to, "SELECT pg_catalog.set_config('search_path', '', false)");
                        for (var chunk = queue.poll(); chunk != null; chunk = queue.poll()) {
                            Sql.execute(from, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                            Sql.execute(from, "SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
                            Sql.execute(to, "SET LOCAL synchronous_commit = off");
                            bytes.addAndGet(CopyPipe.copy(from, chunk.select(), to, chunk.insert()));
                            to.commit();
                            from.commit();
                            long done = planned.addAndGet(chunk.bytes());
                            int count = chunksDone.incrementAndGet();
                            if (count < chunks.size()) {
                                // the last one is announced by copy(), once every worker has finished
                                progress.report(reading.at(done, count));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var worker : running) {
                worker.get();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // the service stops: the run stays unfinished (ReplicateHandler)
            }
            queue.clear();
            throw new MigrationProblem("the snapshot copy stopped: " + rootMessage(e),
                    "fix the cause, then send StartReplication again (the copy starts over under a new snapshot)");
        } finally {
            pool.shutdownNow();
        }
        return bytes.get();
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof SQLException sql ? PgErrors.describe(sql) : e.getMessage();
    }
}
