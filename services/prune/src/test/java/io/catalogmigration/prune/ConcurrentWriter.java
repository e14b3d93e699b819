package io.catalogmigration.prune;

import io.catalogmigration.testkit.PostgresCluster;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application, as far as prune is concerned: inserts new sessions, events and metrics, and updates both recent
 * and old rows, measuring how long each write waits. Its rows are marked so tests can tell them apart.
 */
final class ConcurrentWriter implements AutoCloseable {

    static final String MARK = "concurrent-writer";

    private final Thread thread;
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private ConcurrentWriter(PostgresCluster pg, String database) {
        thread = new Thread(() -> {
            try (Connection c = pg.connect(database)) {
                c.setAutoCommit(true);
                while (running) {
                    timed(c, "with s as (insert into rosemeta_executionsession (ts_created, user_id, query_count, client) "
                            + "values (now(), 1, 1, '" + MARK + "') returning id) "
                            + "insert into rosemeta_executionevent (session_id, ts_created, query_text) select id, now(), '" + MARK + "' from s");
                    timed(c, "insert into metrics_event (\"timestamp\", name, value) values (now(), '" + MARK + "', 1)");
                    timed(c, "update rosemeta_executionevent set duration_ms = coalesce(duration_ms, 0) + 1 where id = "
                            + "(select id from rosemeta_executionevent where ts_created > now() - interval '10 days' order by random() limit 1)");
                    timed(c, "update metrics_metric set value = value + 1 where id = "
                            + "(select id from metrics_metric order by random() limit 1)");
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }, "concurrent-writer");
        thread.start();
    }

    static ConcurrentWriter start(PostgresCluster pg, String database) {
        return new ConcurrentWriter(pg, database);
    }

    /** Rows the writer added to a table (0 for tables it does not insert into). */
    static long inserted(PostgresCluster pg, String database, String table) {
        return switch (table) {
            case "rosemeta_executionsession" -> pg.queryForLong(database, "select count(*) from " + table + " where client = '" + MARK + "'");
            case "rosemeta_executionevent" -> pg.queryForLong(database, "select count(*) from " + table + " where query_text = '" + MARK + "'");
            case "metrics_event" -> pg.queryForLong(database, "select count(*) from " + table + " where name = '" + MARK + "'");
            default -> 0;
        };
    }

    private void timed(Connection c, String sql) throws Exception {
        long started = System.nanoTime();
        try (var statement = c.createStatement()) {
            statement.execute(sql);
        }
        maxNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        writes.incrementAndGet();
    }

    void stopAndAwait() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    Duration maxLatency() {
        return Duration.ofNanos(maxNanos.get());
    }

    long writes() {
        return writes.get();
    }

    List<Exception> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        stopAndAwait();
    }
}
