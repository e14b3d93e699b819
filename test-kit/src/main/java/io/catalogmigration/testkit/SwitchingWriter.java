package io.catalogmigration.testkit;

import io.catalogmigration.common.secret.SecretResolver;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the catalog application during a cutover: it reads its connection settings for {@code rosemeta} from
 * the file the cutover's switcher writes ({@code rosemeta.host}, {@code .port}, {@code .user}, {@code .password-ref},
 * ...), keeps inserting and updating rows, and when a write fails (read-only, session ended) reconnects with whatever
 * the file says now. The longest gap between two successful writes is the write downtime the application saw.
 */
public final class SwitchingWriter implements AutoCloseable {

    private final Path settingsFile;
    private final String database;
    private final SecretResolver secrets = SecretResolver.fromEnvironment(ServiceRunner.KIT_SECRETS);
    private final Thread thread;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> writesByServer = new ConcurrentHashMap<>();
    private final long pauseNanos;
    private volatile boolean running = true;
    private volatile String lastError;

    public SwitchingWriter(Path settingsFile, String database) {
        this(settingsFile, database, 0);
    }

    /** @param writesPerSecond a steady rate, as an application's; 0: as fast as the server takes them */
    public SwitchingWriter(Path settingsFile, String database, int writesPerSecond) {
        this.settingsFile = settingsFile;
        this.database = database;
        this.pauseNanos = writesPerSecond <= 0 ? 0 : 1_000_000_000L / writesPerSecond;
        thread = new Thread(this::loop, "switching-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Writes the settings file the way the application's deployment would, before any cutover. */
    public static void writeSettings(Path file, String database, String host, int port, String user, String passwordRef) {
        String text = database + ".host=" + host + "\n" + database + ".port=" + port + "\n" + database + ".database="
                + database + "\n" + database + ".user=" + user + "\n" + database + ".sslmode=prefer\n" + database
                + ".password-ref=" + passwordRef.replace(":", "\\:") + "\n";
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        Connection connection = null;
        String server = null;
        long lastSuccess = System.nanoTime();
        while (running) {
            try {
                if (connection == null) {
                    Properties settings = settings();
                    server = settings.getProperty(database + ".host") + ":" + settings.getProperty(database + ".port");
                    connection = connect(settings);
                }
                try (var statement = connection.createStatement()) {
                    statement.execute("insert into metrics_event (\"timestamp\", name, value) values (now(), 'application', 1)");
                    statement.execute("update metrics_metric set value = value + 1 where id = "
                            + "(select (random() * (select max(id) from metrics_metric))::bigint)");
                }
                long now = System.nanoTime();
                longestGapNanos.accumulateAndGet(now - lastSuccess, Math::max);
                lastSuccess = now;
                writes.incrementAndGet();
                writesByServer.computeIfAbsent(server, k -> new AtomicLong()).incrementAndGet();
                if (pauseNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                }
            } catch (SQLException | IOException | RuntimeException e) {
                failures.incrementAndGet();
                lastError = e.getMessage();
                close(connection);
                connection = null;
                pause();
            }
        }
        close(connection);
    }

    private Properties settings() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(settingsFile, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private Connection connect(Properties settings) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", settings.getProperty(database + ".user"));
        login.setProperty("password", secrets.resolve(settings.getProperty(database + ".password-ref"),
                settings.getProperty(database + ".host")));
        login.setProperty("sslmode", settings.getProperty(database + ".sslmode", "prefer"));
        login.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + settings.getProperty(database + ".host") + ":"
                + settings.getProperty(database + ".port") + "/" + settings.getProperty(database + ".database", database), login);
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The session is gone already.
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long writes() {
        return writes.get();
    }

    /** Successful writes per {@code host:port}, to see the application moved. */
    public long writesOn(String hostAndPort) {
        var count = writesByServer.get(hostAndPort);
        return count == null ? 0 : count.get();
    }

    public long failures() {
        return failures.get();
    }

    public Duration longestGap() {
        return Duration.ofNanos(longestGapNanos.get());
    }

    /** The longest wait between two successful writes so far, and a fresh start for the next reading. */
    public Duration takeLongestGap() {
        return Duration.ofNanos(longestGapNanos.getAndSet(0));
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
