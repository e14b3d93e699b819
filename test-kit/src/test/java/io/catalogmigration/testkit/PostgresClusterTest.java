package io.catalogmigration.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.catalogmigration.common.contract.PgEndpoint;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresClusterTest {

    private static final SampleSize SIZE = SampleSize.tiny();

    private PostgresCluster cluster;
    private SampleCatalog catalog;

    @BeforeAll
    void startClusterWithCatalog() {
        cluster = PostgresCluster.builder("kit-test").logical().fast().start();
        catalog = SampleCatalog.generate(cluster, SIZE);
    }

    @AfterAll
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rowCountsAreAsConfigured() {
        Map<String, Long> counts = catalog.rowCounts();

        assertThat(counts).containsEntry("rosemeta_executionsession", 200L)
                .containsEntry("rosemeta_executionevent", 1_000L)
                .containsEntry("rosemeta_executioneventmention", 2_000L)
                .containsEntry("rosemeta_executioneventexpressionmention", 2_000L)
                .containsEntry("rosemeta_executioneventunresolvedmention", 2_000L)
                .containsEntry("rosemeta_metadatachangestats", 2_000L)
                .containsEntry("metrics_event", 3_000L)
                .containsEntry("metrics_metric", 3_000L)
                .containsEntry("rosemeta_table", 50L)
                .containsEntry("rosemeta_attribute", 500L)
                .containsEntry("object_lineage_link", 2_000L)
                .hasSize(SampleCatalog.tables().size());
        long prunable = SampleCatalog.prunableTables().keySet().stream().mapToLong(counts::get).sum();
        assertThat(prunable).isEqualTo(SIZE.prunableRows());
    }

    @Test
    void childrenShareTheirParentsTimestamp() {
        assertThat(cluster.queryForLong("rosemeta", """
                SELECT count(*) FROM rosemeta_executionevent e
                JOIN rosemeta_executionsession s ON s.id = e.session_id
                WHERE e.ts_created <> s.ts_created""")).isZero();
        for (String mention : new String[] {"rosemeta_executioneventmention",
                "rosemeta_executioneventexpressionmention", "rosemeta_executioneventunresolvedmention"}) {
            assertThat(cluster.queryForLong("rosemeta", "SELECT count(*) FROM " + mention + " m "
                    + "JOIN rosemeta_executionevent e ON e.id = m.event_id WHERE m.ts_created <> e.ts_created"))
                    .as(mention).isZero();
        }
    }

    @Test
    void prunableRowsSpanTheLastYear() {
        SampleCatalog.prunableTables().forEach((table, column) -> {
            String time = "\"" + column + "\"";
            assertThat(cluster.queryForLong("rosemeta", "SELECT count(*) FROM " + table
                    + " WHERE " + time + " < now() - interval '6 months'")).as(table + " older than 6 months").isPositive();
            assertThat(cluster.queryForLong("rosemeta", "SELECT count(*) FROM " + table
                    + " WHERE " + time + " > now() - interval '30 days'")).as(table + " newer than 30 days").isPositive();
            assertThat(cluster.queryForLong("rosemeta", "SELECT count(*) FROM " + table
                    + " WHERE " + time + " < now() - interval '366 days' OR " + time + " > now()")).as(table + " outside the year").isZero();
        });
    }

    @Test
    void lineageLinksContainTheConfiguredDuplicates() {
        long duplicates = cluster.queryForLong("rosemeta", """
                SELECT count(*) - count(DISTINCT (source, source_otype, target, target_otype)) FROM object_lineage_link""");
        assertThat(duplicates).isEqualTo(SIZE.lineageDuplicates()).isEqualTo(400);
        assertThat(cluster.queryForLong("rosemeta", "SELECT count(*) FROM object_lineage_link WHERE source_is_temp OR target_is_temp"))
                .isPositive();
    }

    @Test
    void laterWritersGetFreshIdsAndLineageIsEmpty() throws SQLException {
        try (Connection connection = cluster.connect("rosemeta")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                 ResultSet id = statement.executeQuery("INSERT INTO rosemeta_executionsession (ts_created, user_id, query_count) "
                         + "VALUES (now(), 1, 0) RETURNING id")) {
                id.next();
                assertThat(id.getLong(1)).isGreaterThan(SIZE.sessions());
            } finally {
                connection.rollback();
            }
        }
        assertThat(cluster.queryForLong("lineage", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
    }

    @Test
    void isReadyForLogicalReplication() throws SQLException {
        try (Connection connection = cluster.connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet walLevel = statement.executeQuery("SHOW wal_level")) {
            walLevel.next();
            assertThat(walLevel.getString(1)).isEqualTo("logical");
        }
        assertThat(cluster.queryForLong("postgres", "SELECT setting::int FROM pg_settings WHERE name = 'max_replication_slots'"))
                .isEqualTo(20);
    }

    @Test
    void passwordLoginOverTcpWorksAndAWrongPasswordFails() throws Exception {
        PgEndpoint endpoint = catalog.endpoint("rosemeta");
        assertThat(endpoint.problems()).isEmpty();
        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        assertThat(endpoint.port()).isEqualTo(cluster.port());
        assertThat(endpoint.user()).isEqualTo("postgres");

        Path secret = Path.of(cluster.secretRef().substring("file:".length()));
        assertThat(Files.readString(secret, StandardCharsets.UTF_8).strip()).isEqualTo(cluster.password());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(cluster.password()).matches("[A-Za-z0-9]{24}");

        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl("rosemeta"), login(cluster.password()))) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(cluster.jdbcUrl("rosemeta"), login("not-" + cluster.password())).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void createsDatabasesAndExposesItsTools() {
        cluster.createDatabase("Mixed Case");
        cluster.execute("Mixed Case", "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1), (2)");
        assertThat(cluster.queryForLong("Mixed Case", "SELECT sum(x) FROM t")).isEqualTo(3);
        assertThat(cluster.binDirectory().resolve("pg_dump")).isExecutable();
        assertThat(cluster.logFile()).exists();
        assertThat(cluster.dataDirectory().resolve("PG_VERSION")).exists();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void closeStopsTheServerAndRemovesItsDirectory() {
        Path base = cluster.baseDirectory();
        assertThat(base).isDirectory();

        cluster.close();

        assertThat(base).doesNotExist();
        assertThatThrownBy(() -> cluster.connect("postgres").close()).isInstanceOf(SQLException.class);
        cluster.close(); // a second close is harmless
    }

    private static Properties login(String password) {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        return properties;
    }
}
