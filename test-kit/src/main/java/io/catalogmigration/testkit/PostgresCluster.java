package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.catalogmigration.common.contract.PgEndpoint;

/**
 * A real PostgreSQL server of its own, made with initdb and run with pg_ctl in a directory under
 * {@code java.io.tmpdir}, reachable over TCP on 127.0.0.1 with a random superuser password.
 * {@link #close()} stops it and deletes everything; a shutdown hook does the same if a caller forgets.
 * {@link Builder#version(int)} picks the major; {@link Builder#rdsShaped()} gives the services an administrator
 * shaped like RDS's master user instead of the superuser (see {@link RdsAdministrator}).
 *
 * <pre>{@code
 * try (PostgresCluster source = PostgresCluster.builder("source").version(13).logical().fast().start()) {
 *     source.createDatabase("rosemeta");
 *     PgEndpoint endpoint = source.endpoint("rosemeta");
 * }
 * }</pre>
 */
public final class PostgresCluster implements AutoCloseable {

    static final String DATA_DIRECTORY = "data";
    static final String SUPERUSER = "postgres";
    /**
     * RDS's own superuser, which its customers never get. Named as on RDS so that a source role called postgres (the
     * usual owner on a self-hosted server) is an ordinary role on the target, as it would be there.
     */
    static final String RDS_SUPERUSER = "rdsadmin";

    private static final String HOST = "127.0.0.1";
    static final String PASSWORD_FILE = "superuser.password";
    private static final String PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int PASSWORD_LENGTH = 24;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(PostgresCluster.class);

    private final String name;
    private final String host;
    /** Null for a server started with initdb; the container otherwise ({@link ContainerPostgres}). */
    private final AutoCloseable container;
    private final PgTools tools;
    private final Path baseDirectory;
    private final String superuser;
    private final String password;
    private final Path passwordFile;
    private final int port;
    private final int major;
    private final RdsAdministrator rdsAdmin;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostgresCluster(String name, PgTools tools, Path baseDirectory, String superuser, String password,
                            Path passwordFile, int port, int major, RdsAdministrator rdsAdmin) {
        this(name, HOST, null, tools, baseDirectory, superuser, password, passwordFile, port, major, rdsAdmin);
    }

    private PostgresCluster(String name, String host, AutoCloseable container, PgTools tools, Path baseDirectory,
                            String superuser, String password, Path passwordFile, int port, int major,
                            RdsAdministrator rdsAdmin) {
        this.host = host;
        this.container = container;
        this.superuser = superuser;
        this.major = major;
        this.rdsAdmin = rdsAdmin;
        this.name = name;
        this.tools = tools;
        this.baseDirectory = baseDirectory;
        this.password = password;
        this.passwordFile = passwordFile;
        this.port = port;
        this.shutdownHook = new Thread(this::discardAtExit, "pgkit-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A server in a container: {@code baseDirectory} holds only the password files. */
    static PostgresCluster inContainer(String name, String host, int port, AutoCloseable container, Path baseDirectory,
                                       String superuser, String password, Path passwordFile, int major,
                                       RdsAdministrator rdsAdmin) {
        return new PostgresCluster(name, host, container, null, baseDirectory, superuser, password, passwordFile, port,
                major, rdsAdmin);
    }

    /** @param name shows up in the directory name and logs; letters, digits, '-' and '_' only */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    private static PostgresCluster start(String name, Map<String, String> settings, Integer major, boolean rdsShaped) {
        PgTools tools = major == null ? PgTools.local() : rdsShaped ? PgTools.rdsForMajor(major) : PgTools.forMajor(major);
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        LeftoverClusters.sweepOnce(tmpRoot, tools);
        Path base;
        try {
            base = ClusterSetup.createBaseDirectory(tmpRoot, name, tools);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for PostgreSQL cluster '" + name + "' in " + tmpRoot, e);
        }
        try {
            String password = randomPassword();
            Path passwordFile = writeSecret(base, PASSWORD_FILE, password);
            String superuserName = rdsShaped ? RDS_SUPERUSER : SUPERUSER;
            ClusterSetup.initdb(tools, base, superuserName, password);
            Map<String, String> serverSettings = new LinkedHashMap<>(settings);
            String fixedPort = serverSettings.remove("port");
            ClusterSetup.configure(base, serverSettings);
            int port = ClusterSetup.start(tools, base, fixedPort == null ? null : Integer.valueOf(fixedPort));
            int serverMajor;
            RdsAdministrator rdsAdmin = null;
            try (Connection superuser = connect(jdbcUrl(HOST, port, "postgres"), superuserName, password)) {
                serverMajor = Integer.parseInt(one(superuser, "show server_version_num")) / 10_000;
                if (rdsShaped) {
                    rdsAdmin = RdsAdministrator.create(superuser, serverMajor, base, randomPassword());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not set up PostgreSQL cluster '" + name + "': " + e.getMessage(), e);
            }
            log.info("PostgreSQL {} cluster '{}' listens on {}:{} (data in {}){}", serverMajor, name, HOST, port, base,
                    rdsShaped ? ", services log in as the non-superuser " + RdsAdministrator.USER : "");
            return new PostgresCluster(name, tools, base, superuserName, password, passwordFile, port, serverMajor, rdsAdmin);
        } catch (IOException | RuntimeException e) {
            // the message already carries initdb's output or the server log tail
            discard(tools, base, "immediate");
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not set up PostgreSQL cluster '" + name + "' in " + base, io);
            }
            throw (RuntimeException) e;
        }
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The server's major version (13, 15, 17...). */
    public int majorVersion() {
        return major;
    }

    /** True when the services' administrator is not a superuser ({@link Builder#rdsShaped()}). */
    public boolean rdsShaped() {
        return rdsAdmin != null;
    }

    /**
     * The superuser, for a test's own setup and checks: {@code postgres}, or {@code rdsadmin} on an RDS-shaped
     * cluster, where the services never get it.
     */
    public String superuser() {
        return superuser;
    }

    public String password() {
        return password;
    }

    /** The superuser password as a secret reference the services resolve: {@code file:/...} (mode 0600). */
    public String secretRef() {
        return "file:" + passwordFile;
    }

    /** The login the services use: the superuser, or on an RDS-shaped cluster its master-user stand-in. */
    public String adminUser() {
        return rdsAdmin == null ? superuser : RdsAdministrator.USER;
    }

    public String adminPassword() {
        return rdsAdmin == null ? password : rdsAdmin.password();
    }

    public String adminSecretRef() {
        return rdsAdmin == null ? secretRef() : "file:" + rdsAdmin.passwordFile();
    }

    public String jdbcUrl(String database) {
        return jdbcUrl(host, port, database);
    }

    /** The endpoint the services get: logging in as {@link #adminUser()}. */
    public PgEndpoint endpoint(String database) {
        return new PgEndpoint(host, port, database, adminUser(), "disable", adminSecretRef());
    }

    /** A new connection as the superuser, in auto-commit mode. */
    public Connection connect(String database) throws SQLException {
        return connect(jdbcUrl(database), superuser, password);
    }

    /** A new connection as {@link #adminUser()}, in auto-commit mode. */
    public Connection connectAsAdmin(String database) throws SQLException {
        return connect(jdbcUrl(database), adminUser(), adminPassword());
    }

    /**
     * Creates an empty database; the name is quoted, so it is used exactly as given. On an RDS-shaped cluster the
     * administrator owns it, as if it had created it.
     */
    public PgEndpoint createDatabase(String database) {
        execute("postgres", "CREATE DATABASE " + quoteIdentifier(database)
                + (rdsAdmin == null ? "" : " OWNER " + quoteIdentifier(RdsAdministrator.USER)));
        return endpoint(database);
    }

    /** Runs each statement in its own transaction (auto-commit), in order. */
    public void execute(String database, String... sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                try {
                    statement.execute(each);
                } catch (SQLException e) {
                    throw new IllegalStateException("failed on database " + database + ": " + each + ": " + e.getMessage(), e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to database " + database + " of cluster " + name, e);
        }
    }

    /** The first column of the first row, which must be a non-null number. */
    public long queryForLong(String database, String sql) {
        try (Connection connection = connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            if (!rows.next()) {
                throw new IllegalStateException("no row from: " + sql);
            }
            long value = rows.getLong(1);
            if (rows.wasNull()) {
                throw new IllegalStateException("null from: " + sql);
            }
            return value;
        } catch (SQLException e) {
            throw new IllegalStateException("failed on database " + database + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a new server of this one's major on a copy of a plain-format base backup of this server (pg_basebackup
     * -Fp, WAL included): the proof that the backup is usable. It replays the backup's WAL to a consistent state and
     * has this server's roles and passwords. The backup itself is left as it was.
     */
    public PostgresCluster startFromBackup(String name, Path backup) {
        Path base;
        try {
            base = ClusterSetup.createBaseDirectory(Path.of(System.getProperty("java.io.tmpdir")), name, tools);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for PostgreSQL cluster '" + name + "'", e);
        }
        try {
            Path data = base.resolve(DATA_DIRECTORY);
            try (var files = Files.walk(backup)) {
                for (Path from : files.toList()) {
                    Path to = data.resolve(backup.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                    if (tools.runsAsOsUser()) {
                        Directories.chown(to, PgTools.OS_USER);
                    }
                }
            }
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            // the backup's own settings name this server's socket directory: the copy gets its own
            ClusterSetup.configure(base, Map.of());
            int port = ClusterSetup.start(tools, base, null);
            log.info("PostgreSQL cluster '{}' started from the backup {} on port {}", name, backup, port);
            return new PostgresCluster(name, tools, base, superuser, password, passwordFile, port, major, rdsAdmin);
        } catch (IOException | RuntimeException e) {
            discard(tools, base, "immediate");
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not start PostgreSQL cluster '" + name + "' from " + backup, io);
            }
            throw (RuntimeException) e;
        }
    }

    public Path baseDirectory() {
        return baseDirectory;
    }

    public Path dataDirectory() {
        return baseDirectory.resolve(DATA_DIRECTORY);
    }

    /**
     * Where pg_dump, pg_restore and psql are: the installed client tools (the highest major installed), whatever
     * this server's major. pg_dump reads servers up to its own major only: a 15 pg_dump cannot dump a 17 server.
     */
    public Path binDirectory() {
        return PgTools.clientBinDirectory();
    }

    /** Where this server's initdb, pg_ctl and postgres are. */
    public Path serverBinDirectory() {
        requireLocalServer("its server binaries");
        return tools.binDirectory();
    }

    public Path logFile() {
        return baseDirectory.resolve(ClusterSetup.LOG_FILE);
    }

    /**
     * Stops the server, runs {@code whileStopped} on its files, and starts it again on the same port: for what only
     * works on a server's files at rest (damaging a page where no extension can).
     */
    void whileStopped(FileChore whileStopped) throws IOException {
        requireLocalServer("working on its files at rest");
        if (!ClusterSetup.stop(tools, baseDirectory, "fast")) {
            throw new IllegalStateException("PostgreSQL cluster '" + name + "' did not stop");
        }
        try {
            whileStopped.run(dataDirectory());
        } finally {
            ClusterSetup.start(tools, baseDirectory, port);
        }
    }

    /**
     * Stops the server ({@code pg_ctl -m fast}: sessions are ended with 57P01, as on an administrator's restart),
     * keeps it down for {@code down}, and starts it again on the same port: a database restart under load.
     */
    public void restart(java.time.Duration down) {
        try {
            whileStopped(dataDirectory -> {
                try {
                    Thread.sleep(down.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Work on a stopped server's data directory. */
    interface FileChore {
        void run(Path dataDirectory) throws IOException;
    }

    /** Stops the server ({@code pg_ctl -m fast}) and deletes its directory. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; it finds the cluster closed and does nothing
        }
        String problem = container != null ? discardContainer() : discard(tools, baseDirectory, "fast");
        if (problem != null) {
            throw new IllegalStateException("PostgreSQL cluster '" + name + "' was not cleaned up: " + problem);
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + name + " " + host + ":" + port + "]";
    }

    private void discardAtExit() {
        if (closed.compareAndSet(false, true)) {
            if (container != null) {
                discardContainer();
                return;
            }
            // nobody will look at this data again, so do not wait for a checkpoint
            discard(tools, baseDirectory, "immediate");
        }
    }

    /** Stops and removes the container and deletes the password files; the reason it could not, or null. */
    private String discardContainer() {
        String problem = null;
        try {
            container.close();
        } catch (Exception e) {
            problem = "stopping the container of '" + name + "' failed: " + e.getMessage();
        }
        try {
            Directories.deleteRecursively(baseDirectory);
        } catch (IOException e) {
            problem = (problem == null ? "" : problem + "; ") + "could not delete " + baseDirectory + ": " + e;
        }
        if (problem != null) {
            log.warn(problem);
        }
        return problem;
    }

    /** What only a server started here with initdb allows: a container's files and binaries are inside it. */
    private void requireLocalServer(String what) {
        if (container != null) {
            throw new UnsupportedOperationException("PostgreSQL cluster '" + name + "' runs in a container ("
                    + Containers.PROPERTY + "): " + what + " is not available; run with -D" + Containers.PROPERTY + "=never");
        }
    }

    /** Stops the server and deletes the directory; the reason it could not, or null. */
    private static String discard(PgTools tools, Path base, String mode) {
        String problem = null;
        try {
            if (!ClusterSetup.stop(tools, base, mode) && !ClusterSetup.stop(tools, base, "immediate")) {
                problem = "the server in " + base + " did not stop";
            }
        } catch (RuntimeException e) {
            problem = "stopping the server in " + base + " failed: " + e.getMessage();
        }
        try {
            Directories.deleteRecursively(base);
        } catch (IOException e) {
            problem = (problem == null ? "" : problem + "; ") + "could not delete " + base + ": " + e;
        }
        if (problem != null) {
            log.warn(problem);
        }
        return problem;
    }

    static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("ApplicationName", "test-kit");
        return DriverManager.getConnection(url, properties);
    }

    static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static Path writeSecret(Path base, String fileName, String password) throws IOException {
        Path file = base.resolve(fileName);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return file;
    }

    static String randomPassword() {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }

    static String quoteIdentifier(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Server settings for a cluster about to start; later calls override earlier ones. */
    public static final class Builder {

        private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");

        private final String name;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Integer major;
        private boolean rdsShaped;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("cluster name must be 1-32 letters, digits, '-' or '_': " + name);
            }
            this.name = name;
            settings.put("listen_addresses", HOST);
            settings.put("max_connections", "200");
            settings.put("shared_buffers", "128MB");
        }

        /** Ready to be a logical-replication publisher, with room for many slots and workers. */
        public Builder logical() {
            settings.put("wal_level", "logical");
            settings.put("max_replication_slots", "20");
            settings.put("max_wal_senders", "20");
            settings.put("max_logical_replication_workers", "8");
            settings.put("max_worker_processes", "16");
            return this;
        }

        /**
         * The server's major version: installed under /usr/lib/postgresql/&lt;major&gt;, or one of the Maven Central
         * builds the test kit declares (13 and 17). Without it, the highest installed major.
         */
        public Builder version(int major) {
            this.major = major;
            return this;
        }

        /**
         * Gives the services a non-superuser administrator with what RDS's master user has (see
         * {@link RdsAdministrator}); the superuser stays for the test's own setup and checks.
         */
        public Builder rdsShaped() {
            this.rdsShaped = true;
            return this;
        }

        /** Trades crash safety for speed: for tests and benchmarks only, never for data you keep. */
        public Builder fast() {
            settings.put("fsync", "off");
            settings.put("synchronous_commit", "off");
            settings.put("full_page_writes", "off");
            return this;
        }

        /**
         * Any postgresql.conf setting. {@code port} pins the port instead of picking a free one,
         * which is only wise outside tests (a demo someone connects to by hand).
         */
        public Builder setting(String key, String value) {
            if (key == null || !SETTING_NAME.matcher(key).matches()) {
                throw new IllegalArgumentException("not a PostgreSQL setting name: " + key);
            }
            Objects.requireNonNull(value, "value");
            if (key.equals("port") && !value.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("port must be a number: " + value);
            }
            settings.put(key, value);
            return this;
        }

        /**
         * Runs initdb and starts the server, or starts a container where the kit runs its servers in containers
         * ({@link Containers}); ready for connections when this returns.
         */
        public PostgresCluster start() {
            return Containers.enabled() ? ContainerPostgres.start(name, settings, major, rdsShaped)
                    : PostgresCluster.start(name, settings, major, rdsShaped);
        }
    }
}
