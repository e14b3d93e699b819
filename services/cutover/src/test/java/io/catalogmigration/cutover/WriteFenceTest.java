package io.catalogmigration.cutover;

import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.testkit.ApplicationRole;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fence on the runbook's source server (PostgreSQL 13) against a writer that tries every way back in: a session
 * open before the fence, reconnects, {@code SET default_transaction_read_only = off}, {@code BEGIN READ WRITE}, a new
 * session of another application role. No write lands after the fence's WAL position, the migration's own roles keep
 * their logins, and releasing puts back exactly what was there, including a database's own read-only setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteFenceTest {

    static final String DATABASE = "appdb";
    static final String MIGRATION = "mig-fence";

    PostgresCluster server;
    CutoverStore store;
    WriteFence fence;
    ApplicationRole writer;
    ApplicationRole batch;
    ApplicationRole replicator;

    @BeforeAll
    void startServer() {
        server = PostgresCluster.builder("fence13").version(13).fast().start();
        server.createDatabase(DATABASE);
        server.execute(DATABASE, "create table probe (id bigserial primary key, who text not null default current_user, "
                + "at_lsn pg_lsn not null default pg_current_wal_lsn())",
                // a setting of the database's own, which a release must put back rather than reset
                "ALTER DATABASE " + DATABASE + " SET default_transaction_read_only = off");
        writer = ApplicationRole.create(server, "app_writer", DATABASE);
        batch = ApplicationRole.create(server, "app_batch", DATABASE);
        replicator = ApplicationRole.create(server, "replicator", DATABASE);
        server.execute("postgres", "ALTER ROLE replicator REPLICATION");
        ServiceRunner.ensureControlDatabase(server);
        var control = new DriverManagerDataSource(server.jdbcUrl(ServiceRunner.CONTROL_DATABASE) + "?currentSchema=cutover",
                server.superuser(), server.password());
        Flyway.configure().dataSource(control).schemas("cutover").defaultSchema("cutover")
                .locations("classpath:db/ledger", "classpath:db/cutover").load().migrate();
        store = new CutoverStore(new JdbcTemplate(control));
        fence = new WriteFence(new PgConnector(SecretResolver.fromEnvironment(ServiceRunner.KIT_SECRETS), "fence-test"), store, List.of(),
                Set.of("migration"));
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @Test
    void noWriterGetsBackInWhileFencedAndTheReleasePutsBackExactlyWhatWasThere() throws Exception {
        String before = ServerAccess.of(server);
        var open = login(writer);
        try (var intruder = new Intruder(server, DATABASE, "insert into probe default values", List.of(writer, batch))) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> intruder.writes() > 20);

            var fenced = fence.fence(MIGRATION, CutoverStore.SOURCE, server.endpoint("postgres"), List.of(DATABASE),
                    List.of(), List.of());
            String fenceLsn = one("select pg_current_wal_lsn()::text");
            long rowsAtFence = server.queryForLong(DATABASE, "select count(*) from probe");

            assertThat(fenced.roles()).containsExactly("app_batch", "app_writer");
            assertThat(fenced.sessionsEnded()).isPositive();
            // The session opened before the fence was ended: turning read-only off there is no way back in.
            assertThatThrownBy(() -> {
                try (var statement = open.createStatement()) {
                    statement.execute("SET default_transaction_read_only = off");
                    statement.execute("BEGIN READ WRITE");
                    statement.execute("insert into probe default values");
                }
            }).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> login(writer).close()).hasMessageContaining("not permitted to log in");
            assertThatThrownBy(() -> login(batch).close()).hasMessageContaining("not permitted to log in");
            // The migration's own login replicates on.
            login(replicator).close();
            long attemptsAtFence = intruder.attempts();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> intruder.attempts() > attemptsAtFence + 50);

            assertThat(server.queryForLong(DATABASE, "select count(*) from probe")).isEqualTo(rowsAtFence);
            assertThat(server.queryForLong(DATABASE, "select count(*) from probe where at_lsn > '" + fenceLsn + "'")).isZero();
            assertThat(intruder.refusals()).anyMatch(r -> r.contains("not permitted to log in"));
            assertThat(store.fenceChanges(MIGRATION, CutoverStore.SOURCE)).hasSize(3);

            fence.release(MIGRATION, CutoverStore.SOURCE, server.endpoint("postgres"));

            assertThat(ServerAccess.of(server)).isEqualTo(before);
            assertThat(store.fenceChanges(MIGRATION, CutoverStore.SOURCE)).isEmpty();
            long writesAtRelease = intruder.writes();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> intruder.writes() > writesAtRelease + 5);
        } finally {
            open.close();
        }
    }

    @Test
    void aFenceSetUpTwiceStillPutsBackWhatWasThereBeforeTheFirst() throws Exception {
        String before = ServerAccess.of(server);
        var endpoint = server.endpoint("postgres");

        fence.fence("mig-twice", CutoverStore.SOURCE, endpoint, List.of(DATABASE), List.of(), List.of());
        var again = fence.fence("mig-twice", CutoverStore.SOURCE, endpoint, List.of(DATABASE), List.of(), List.of());
        assertThat(again.roles()).containsExactly("app_batch", "app_writer");
        fence.release("mig-twice", CutoverStore.SOURCE, endpoint);

        assertThat(ServerAccess.of(server)).isEqualTo(before);
    }

    private java.sql.Connection login(ApplicationRole role) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", role.name());
        properties.setProperty("password", role.password());
        return DriverManager.getConnection(server.jdbcUrl(DATABASE), properties);
    }

    private String one(String sql) throws SQLException {
        try (var c = server.connect(DATABASE); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
