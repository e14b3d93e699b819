package io.catalogmigration.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.catalogmigration.common.contract.PgEndpoint;

/**
 * The data catalog's two databases, with generated content: {@code rosemeta} holds query-log
 * tables (sessions, events and their mentions), change statistics and metrics whose rows span
 * the last twelve months, plus catalog and lineage tables that are never pruned; {@code lineage}
 * is created empty for the lineage migrator to fill. Around them, the runbook's setting ({@link RunbookSetting}): the
 * extensions, a file_fdw server, the application's roles owning everything, and the other roles' grants.
 * Generation is deterministic up to the current time: the same size gives the same rows, shifted to end now.
 */
public final class SampleCatalog {

    public static final String ROSEMETA = "rosemeta";
    public static final String LINEAGE = "lineage";
    /** The application's role: it owns both databases and everything in them, as on the runbook's server. */
    public static final String APPLICATION_ROLE = RunbookSetting.OWNER;
    /** The extensions the catalog's schema uses, which the target must have too. */
    public static final List<String> EXTENSIONS = RunbookSetting.EXTENSIONS;
    /** The file_fdw server and foreign table on the source, which RDS cannot have. */
    public static final String FOREIGN_SERVER = RunbookSetting.FOREIGN_SERVER;
    public static final String FOREIGN_TABLE = RunbookSetting.FOREIGN_TABLE;
    /** What of rosemeta RDS cannot have, as the cutover's inventory names it: what an operator accepts to leave behind. */
    public static final List<String> LEFT_BEHIND_ON_RDS = List.of("extension file_fdw", "foreign server " + FOREIGN_SERVER,
            "foreign table public." + FOREIGN_TABLE);

    /** Fixes random() so that two runs with the same size generate the same rows. */
    private static final double SEED = 0.4242;
    private static final Logger log = LoggerFactory.getLogger(SampleCatalog.class);

    private final PostgresCluster cluster;
    private final SampleSize size;
    private final Duration generationTime;

    private SampleCatalog(PostgresCluster cluster, SampleSize size, Duration generationTime) {
        this.cluster = cluster;
        this.size = size;
        this.generationTime = generationTime;
    }

    /** Replaces {@code rosemeta} and {@code lineage} on the cluster with freshly generated ones. */
    public static SampleCatalog generate(PostgresCluster cluster, SampleSize size) {
        long started = System.nanoTime();
        recreate(cluster, ROSEMETA);
        recreate(cluster, LINEAGE);
        try (Connection connection = cluster.connect(ROSEMETA); Statement statement = connection.createStatement()) {
            // Session settings only: the load is one big batch, not what the cluster is tuned for.
            run(statement, "SET synchronous_commit = off");
            run(statement, "SET maintenance_work_mem = '256MB'");
            run(statement, "SET work_mem = '64MB'");
            run(statement, "SELECT setseed(" + SEED + ")");
            for (List<String> step : List.of(RunbookSetting.extensions(), CatalogSql.createTables(), CatalogSql.load(size),
                    CatalogSql.constrain())) {
                for (String sql : step) {
                    run(statement, sql);
                }
            }
            RunbookSetting.apply(cluster, connection, statement);
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to " + ROSEMETA + " on " + cluster, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("generated sample catalog ({} prunable rows) on {} in {} ms", size.prunableRows(), cluster, took.toMillis());
        return new SampleCatalog(cluster, size, took);
    }

    /**
     * The source's login roles besides its superuser, as the runbook lists them: the owner {@code alation},
     * {@code alation_db_user} (reads and writes), {@code alation_db} (reads) and {@code datadog} (pg_monitor).
     */
    public static List<String> loginRoles() {
        return RunbookSetting.LOGIN_ROLES;
    }

    /** A login role's password on {@code cluster} as a secret reference ({@code file:}, 0600), made on first use. */
    public static String roleSecretRef(PostgresCluster cluster, String role) {
        return RunbookSetting.secretRef(cluster, role);
    }

    /** A login role's password on {@code cluster}, for a test's own connections. */
    public static String rolePassword(PostgresCluster cluster, String role) {
        return RunbookSetting.password(cluster, role);
    }

    /** Table name to time column for every table a retention policy prunes; parents come first. */
    public static Map<String, String> prunableTables() {
        return Collections.unmodifiableMap(CatalogSql.prunableTables());
    }

    /** Every table in {@code rosemeta}: the prunable ones, then catalog and lineage tables. */
    public static List<String> tables() {
        return List.copyOf(CatalogSql.allTables());
    }

    public String rosemeta() {
        return ROSEMETA;
    }

    public String lineage() {
        return LINEAGE;
    }

    public PgEndpoint endpoint(String database) {
        return cluster.endpoint(database);
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    public SampleSize size() {
        return size;
    }

    public Duration generationTime() {
        return generationTime;
    }

    /** Current row count of every table in {@link #tables()} order, counted now (not remembered). */
    public Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = cluster.connect(ROSEMETA); Statement statement = connection.createStatement()) {
            for (String table : CatalogSql.allTables()) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count rows in " + ROSEMETA + " on " + cluster + ": " + e.getMessage(), e);
        }
        return counts;
    }

    /**
     * Drops and creates a database, first ending whatever would block the drop: sessions and idle
     * logical replication slots left by an earlier run on the same cluster.
     */
    private static void recreate(PostgresCluster cluster, String database) {
        try (Connection connection = cluster.connect("postgres")) {
            try (PreparedStatement slots = connection.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = ? AND NOT active")) {
                slots.setString(1, database);
                slots.execute();
            }
            try (PreparedStatement sessions = connection.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                sessions.setString(1, database);
                sessions.execute();
            }
            try (Statement statement = connection.createStatement()) {
                boolean canForce = connection.getMetaData().getDatabaseMajorVersion() >= 13;
                run(statement, "DROP DATABASE IF EXISTS " + PostgresCluster.quoteIdentifier(database) + (canForce ? " WITH (FORCE)" : ""));
                run(statement, "CREATE DATABASE " + PostgresCluster.quoteIdentifier(database));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not recreate database " + database + " on " + cluster + ": " + e.getMessage(), e);
        }
    }

    private static void run(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("sample catalog statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }
}
