package io.catalogmigration.cutover;

import io.catalogmigration.testkit.ApplicationRole;
import io.catalogmigration.testkit.PostgresCluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A writer that tries every way back in while writes are stopped: it writes as one application role until a write
 * fails, then reconnects as the next role (another application's), turns the read-only default off in its session and
 * opens its transactions {@code READ WRITE}, then writes again: a fence that only sets read-only defaults lets it
 * through.
 */
final class Intruder implements AutoCloseable {

    private final PostgresCluster server;
    private final String database;
    private final String insert;
    private final List<ApplicationRole> roles;
    private final Thread thread;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    /** @param insert one row into a table every role may write */
    Intruder(PostgresCluster server, String database, String insert, List<ApplicationRole> roles) {
        this.server = server;
        this.database = database;
        this.insert = insert;
        this.roles = List.copyOf(roles);
        thread = new Thread(this::loop, "intruder");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        int next = 0;
        while (running) {
            ApplicationRole role = roles.get(next++ % roles.size());
            attempts.incrementAndGet();
            try (Connection connection = connect(role); var statement = connection.createStatement()) {
                statement.execute("SET default_transaction_read_only = off");
                while (running) {
                    attempts.incrementAndGet();
                    statement.execute("BEGIN READ WRITE");
                    statement.execute(insert);
                    statement.execute("COMMIT");
                    writes.incrementAndGet();
                    pause(5);
                }
            } catch (SQLException e) {
                if (refusals.size() < 1000) {
                    refusals.add(role.name() + ": " + e.getMessage());
                }
                pause(5);
            }
        }
    }

    private Connection connect(ApplicationRole role) throws SQLException {
        var login = new Properties();
        login.setProperty("user", role.name());
        login.setProperty("password", role.password());
        login.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(server.jdbcUrl(database), login);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long attempts() {
        return attempts.get();
    }

    long writes() {
        return writes.get();
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
