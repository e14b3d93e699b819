package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole of step 5 against real parts: a logical source cluster with the generated rosemeta plus awkward tables,
 * a plain target cluster, a real broker, and a writer changing rows while the copy runs. The initial copy is the
 * native one here ({@code copy_data = true}); {@link SnapshotCopyReplicationTest} runs the same with the snapshot copy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTest {

    static final Duration TIMEOUT = ReplicationScenario.TIMEOUT;
    static final String DB = SampleCatalog.ROSEMETA;
    static final String MIGRATION = "mig-replicate";
    static final String REPLICATION_USER = ReplicationScenario.REPLICATION_USER;

    PostgresCluster source;
    PostgresCluster target;
    ReplicationScenario scenario;
    ConfigurableApplicationContext service;
    String replicationPasswordRef;

    /** The source server: the installed major, its superuser. */
    PostgresCluster.Builder sourceServer() {
        return PostgresCluster.builder("repl-source");
    }

    /** The target server: the installed major, its superuser. */
    PostgresCluster.Builder targetServer() {
        return PostgresCluster.builder("repl-target");
    }

    @BeforeAll
    void startRealParts() throws Exception {
        source = sourceServer().logical().fast().start();
        target = targetServer().fast().start();
        SampleCatalog.generate(source, SampleSize.tiny());
        source.execute(DB, ReplicationScenario.WRITTEN_TABLES.toArray(String[]::new));
        source.execute(DB,
                "select lo_from_bytea(920001, convert_to(repeat('a large object ', 500), 'UTF8'))",
                "select lo_from_bytea(920002, convert_to('deleted while replication runs', 'UTF8'))",
                "grant select on large object 920001 to public",
                "create materialized view blob_sizes as select id, length(body) as size from blob",
                "create materialized view never_filled as select a from no_key with no data",
                "create unlogged table scratch (id int primary key, note text)",
                "insert into scratch select g, 'scratch ' || g from generate_series(1, 100) g");
        scenario = new ReplicationScenario(source, target, MIGRATION, DB);
        replicationPasswordRef = scenario.secret("replication", "Repl-" + UUID.randomUUID());
        service = ServiceRunner.start(ReplicatorApplication.class, target, scenario.kafka.bootstrapServers(),
                Map.of("replicator.initial-copy", "native"));
    }

    @AfterAll
    void stopRealParts() throws Exception {
        scenario.stopWriter();
        ServiceRunner.stop(service);
        scenario.close();
        target.close();
        source.close();
    }

    @Test
    @Order(1)
    void prepareFindsTheLogicalSourceReadyAndCreatesTheReplicationUser() {
        var outcome = scenario.send(new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
                List.of(DB), "127.0.0.1", REPLICATION_USER, replicationPasswordRef, 2));

        assertThat(outcome).isInstanceOf(SourcePrepared.class);
        var prepared = (SourcePrepared) outcome;
        assertThat(prepared.checks()).as(prepared.checks().toString()).allSatisfy(c -> assertThat(c.status()).isIn("OK", "CHANGED"));
        assertThat(prepared.ready()).isTrue();
        assertThat(prepared.restartRequired()).isFalse();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'replicator' and rolreplication"))
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void startThatFailsAtTheSubscriptionContinuesWhenSentAgain() throws Exception {
        scenario.startWriter();
        String wrong = scenario.secret("wrong", "not-the-password");
        var refused = scenario.send(start(wrong));

        // a password the source refuses is found before anything is made
        assertThat(refused).isInstanceOfSatisfying(ReplicationFailed.class, f -> assertThat(f.action())
                .contains("nothing was changed"));
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = '" + DB + "'")).isZero();
        assertThat(source.queryForLong(DB, "select count(*) from pg_publication")).isZero();

        // an address the target cannot reach the source at is found by the subscription only, the last step
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var unreachable = start(replicationPasswordRef);
        unreachable = new StartReplication(unreachable.commandId(), MIGRATION, unreachable.issuedAt(), unreachable.source(),
                unreachable.target(), new PgEndpoint(source.host(), closed, DB, REPLICATION_USER, "disable",
                replicationPasswordRef), Map.of());
        var failed = scenario.send(unreachable);

        assertThat(failed).isInstanceOf(ReplicationFailed.class);
        assertThat(((ReplicationFailed) failed).reason()).contains("subscription");
        assertThat(target.queryForLong(DB, "select count(*) from pg_tables where tablename = 'blob'")).isEqualTo(1);

        var started = scenario.send(start(replicationPasswordRef));

        assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
        var s = (ReplicationStarted) started;
        assertThat(s.notes()).anySatisfy(n -> assertThat(n).contains("public.no_key"))
                .anyMatch(n -> n.startsWith("large objects: 2 "))
                .anyMatch(n -> n.contains("materialized view public.blob_sizes: populated on the target by CheckReplication"))
                .anyMatch(n -> n.contains("public.never_filled is WITH NO DATA on the source"))
                .anyMatch(n -> n.contains("unlogged table public.scratch") && n.contains("created empty"));
        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS));
        assertThat(s.postDataSteps()).isGreaterThan(0);
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots where slot_name = 'migration_rosemeta'"))
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void afterCatchUpTheTargetEqualsTheSourceTableByTableAndHasItsIndexes() throws Exception {
        Thread.sleep(1_000);
        assertThat(scenario.stopWriter()).isGreaterThan(0);

        var status = scenario.awaitCaughtUp(DB);

        assertThat(status.tables()).allSatisfy(t -> assertThat(t.state()).isEqualTo("r"));
        assertThat(status.indexesCreated()).isEqualTo(status.indexesTotal()).isGreaterThanOrEqualTo(4);
        assertThat(scenario.tables(DB)).contains("public.no_key", "public.blob", "public.events_p_2025", "\"Mixed\".\"CamelTable\"");
        // The target also holds verification's own tables (schema migration_verify) until the cutover removes them.
        String indexes = "select count(*) from pg_indexes where schemaname not in ('pg_catalog', 'information_schema', 'migration_verify')";
        assertThat(target.queryForLong(DB, indexes)).isEqualTo(source.queryForLong(DB, indexes));
        assertThat(scenario.events.progress(MIGRATION)).anySatisfy(p -> assertThat(p.toString()).contains("indexes"));
    }

    @Test
    @Order(4)
    void aColumnAddedOnTheSourceIsNamedWithTheStatementThatLevelsTheTargetAndReplicationResumesOnceItRan() throws Exception {
        source.execute(DB, "alter table \"Mixed\".\"CamelTable\" add column \"Note\" text",
                "insert into \"Mixed\".\"CamelTable\" values (1001, 'after the DDL', 'a note')");

        var drifted = (ReplicationStatusReported) scenario.send(check());

        assertThat(drifted.answer()).isEqualTo(ReplicationStatusReported.NEED_TO_WAIT);
        assertThat(drifted.schemaDifferences()).singleElement().asString()
                .contains("column \"Mixed\".\"CamelTable\".\"Note\" was added on the source")
                .contains("ALTER TABLE \"Mixed\".\"CamelTable\" ADD COLUMN \"Note\" text");

        // The operator runs what it says on the target; the apply worker, stopped at the new row, takes it up again.
        target.execute(DB, "ALTER TABLE \"Mixed\".\"CamelTable\" ADD COLUMN \"Note\" text");
        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
                scenario.send(check()) instanceof ReplicationStatusReported r && r.schemaDifferences().isEmpty()
                        && r.answer().equals(ReplicationStatusReported.STOP_WAITING));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> target.queryForLong(DB,
                "select count(*) from \"Mixed\".\"CamelTable\" where \"Note\" = 'a note'") == 1);
    }

    @Test
    @Order(5)
    void largeObjectsChangedAddedAndDeletedWhileReplicationRunsAreCarriedByTheNextCheckAndViewsArePopulatedAsOnTheSource()
            throws Exception {
        source.execute(DB,
                "select lo_put(920001, 3, convert_to('CHANGED', 'UTF8'))",
                "select lo_unlink(920002)",
                "select lo_from_bytea(920003, convert_to('added while replication runs', 'UTF8'))",
                "grant update on large object 920003 to public");

        var outcome = scenario.send(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres")));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
        var status = (ReplicationStatusReported) outcome;
        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS)).hasSize(2);
        assertThat(status.copiedObjects()).filteredOn(o -> o.kind().equals(CopiedObject.LARGE_OBJECTS)).singleElement()
                .satisfies(o -> {
                    assertThat(o.count()).isEqualTo(2);
                    assertThat(o.equal()).isTrue();
                    assertThat(o.detail()).contains("2 copied").contains("1 deleted");
                });
        assertThat(status.copiedObjects()).filteredOn(o -> "public.blob_sizes".equals(o.name())).singleElement()
                .satisfies(o -> assertThat(o.count()).isEqualTo(200));
        assertThat(target.queryForLong(DB, "select count(*) from pg_matviews where matviewname = 'blob_sizes' and ispopulated"))
                .isEqualTo(1);
        assertThat(target.queryForLong(DB, "select count(*) from blob_sizes")).isEqualTo(200);
        assertThat(target.queryForLong(DB, "select count(*) from pg_matviews where matviewname = 'never_filled' and ispopulated"))
                .isZero();
        assertThat(target.queryForLong(DB, "select count(*) from scratch")).as("copied by the cutover's window").isZero();
    }

    @Test
    @Order(6)
    void resetLeavesNoSubscriptionNoSlotAndNoTargetDatabase() {
        var outcome = scenario.send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationReset.class);
        var reset = (ReplicationReset) outcome;
        assertThat(reset.subscriptionDropped()).isTrue();
        assertThat(reset.databaseDropped()).isTrue();
        assertThat(target.queryForLong("postgres", "select count(*) from pg_subscription")).isZero();
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'rosemeta'")).isZero();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
        assertThat(source.queryForLong(DB, "select count(*) from pg_publication")).isZero();
        assertThat(source.queryForLong(DB, "select count(*) from pg_class where relname = 'no_key' and relreplident = 'd'")).isEqualTo(1);
        scenario.events.assertNoRecordContains(source.password());
        scenario.events.assertNoRecordContains(target.password());
        scenario.events.assertNoRecordContains(target.adminPassword());
    }

    CheckReplication check() {
        return new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB), target.endpoint("postgres"));
    }

    /** Large objects' contents, owners and privileges (the default ones written out), as both servers print them. */
    static final String LARGE_OBJECTS = """
            select m.oid::text || ' owner=' || pg_get_userbyid(m.lomowner)
                   || ' acl=' || coalesce(m.lomacl, acldefault('L', m.lomowner))::text || ' md5=' || md5(lo_get(m.oid))
            from pg_largeobject_metadata m order by m.oid""";

    static List<String> lines(PostgresCluster cluster, String sql) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Connection c = cluster.connect(DB); var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    StartReplication start(String passwordRef) {
        return scenario.start(DB, passwordRef);
    }

    @Test
    @Order(7)
    void aSourceListeningLocallyOnlyIsAnActionForTheOperatorNotAChangedSetting() {
        String before;
        try (var c = source.connect("postgres"); var rs = c.createStatement().executeQuery("show listen_addresses")) {
            rs.next();
            before = rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        var prepared = (SourcePrepared) scenario.send(new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(),
                source.endpoint("postgres"), List.of(DB), "10.9.8.7", REPLICATION_USER, replicationPasswordRef, 2));

        var listen = prepared.checks().stream().filter(c -> c.name().equals("listen_addresses")).findFirst().orElseThrow();
        assertThat(listen.status()).isEqualTo("ACTION_REQUIRED");
        assertThat(listen.remedy()).contains("10.9.8.7", "ALTER SYSTEM SET listen_addresses = '" + before + ",<that address>'",
                "restart the source");
        assertThat(prepared.ready()).isFalse();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_file_settings where name = 'listen_addresses' "
                + "and sourcefile like '%postgresql.auto.conf'")).as("nothing written by ALTER SYSTEM").isZero();
    }
}
