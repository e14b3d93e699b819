package io.catalogmigration.local;

import io.catalogmigration.testkit.PostgresCluster;

import java.sql.Connection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A poor man's profile of a PostgreSQL server for the benchmarks: every 100 ms the active client sessions' database,
 * wait event and statement (first 100 characters), counted; {@link #report} prints the most frequent. What a server
 * spends its time on shows as the statements most often found running.
 */
final class QuerySampler implements AutoCloseable {

    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int samples;

    QuerySampler(PostgresCluster cluster) {
        thread = new Thread(() -> {
            try (Connection c = cluster.connect("postgres"); var ps = c.prepareStatement("""
                    select datname || ' | ' || coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' | '
                           || left(regexp_replace(query, '\\s+', ' ', 'g'), 100)
                    from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'""")) {
                while (running) {
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen.merge(rs.getString(1), 1, Integer::sum);
                        }
                    }
                    samples++;
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                System.out.println("query sampler stopped: " + e.getMessage());
            }
        }, "query-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void report(String title, int top) {
        System.out.printf(Locale.ROOT, "%s: %d samples every 100 ms; sessions found active (database | wait | statement):%n", title, samples);
        seen.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6d  %s%n", e.getValue(), e.getKey()));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
