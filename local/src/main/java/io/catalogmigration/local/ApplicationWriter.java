package io.catalogmigration.local;

import io.catalogmigration.testkit.PostgresCluster;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Stands in for the catalog application: keeps inserting and updating event rows and records its longest wait. */
final class ApplicationWriter implements AutoCloseable {

    private final Thread thread;
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean running = true;
    private volatile Exception failure;

    ApplicationWriter(PostgresCluster cluster, String database) {
        thread = new Thread(() -> {
            try (Connection c = cluster.connect(database); var s = c.createStatement()) {
                while (running) {
                    timed(s, "insert into metrics_event (\"timestamp\", name, value) values (now(), 'application', 1)");
                    timed(s, "update rosemeta_executionevent set duration_ms = coalesce(duration_ms, 0) + 1 where id = "
                            + "(select (random() * (select max(id) from rosemeta_executionevent))::bigint)");
                    timed(s, "update metrics_metric set value = value + 1 where id = "
                            + "(select (random() * (select max(id) from metrics_metric))::bigint)");
                }
            } catch (Exception e) {
                failure = e;
            }
        }, "application-writer");
        thread.start();
    }

    private void timed(java.sql.Statement s, String sql) throws Exception {
        long started = System.nanoTime();
        s.execute(sql);
        maxNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        writes.incrementAndGet();
    }

    Duration maxWait() {
        return Duration.ofNanos(maxNanos.get());
    }

    long writes() {
        return writes.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        if (failure != null) {
            throw new IllegalStateException("the application writer failed: " + failure.getMessage(), failure);
        }
    }
}
