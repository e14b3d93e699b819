package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicationTest} with {@code replicator.initial-copy: snapshot} and a small {@code copy-chunk}, so tables are
 * copied in block ranges under the slot's exported snapshot while a writer changes rows, then caught up by a
 * subscription with {@code copy_data = false}. The failed first START leaves a slot and copied rows: the second one
 * starts the copy over under a new snapshot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCopyReplicationTest {

    static final Duration TIMEOUT = ReplicationScenario.TIMEOUT;
    static final String DB = SampleCatalog.ROSEMETA;
    static final String MIGRATION = "mig-replicate-snapshot";
    static final String REPLICATION_USER = ReplicationScenario.REPLICATION_USER;
    /** Sized so both databases hold a few hundred MB together while the class stays well under a minute. */
    static final long ROSEMETA_ROWS = Long.getLong("replicator.test.rosemeta-rows", 1_500_000);
    static final long LINEAGE_ROWS = Long.getLong("replicator.test.lineage-rows", 1_500_000);

    static PostgresCluster source;
    static PostgresCluster target;
    static ReplicationScenario scenario;
    static ConfigurableApplicationContext service;
    static ConfigurableApplicationContext secondInstance;
    static String replicationPasswordRef;

    @BeforeAll
    static void startRealParts() throws Exception {
        source = PostgresCluster.builder("snap-source").logical().fast().start();
        target = PostgresCluster.builder("snap-target").fast().start();
        SampleCatalog.generate(source, SampleSize.ofRows(ROSEMETA_ROWS));
        source.execute(DB, ReplicationScenario.WRITTEN_TABLES.toArray(String[]::new));
        source.execute(SampleCatalog.LINEAGE,
                "create table edge (id bigint primary key, src text not null, dst text not null, seen timestamptz)",
                "insert into edge select g, 'node-' || (g % 5000), 'node-' || (g * 7 % 5000), now() from generate_series(1, "
                        + LINEAGE_ROWS + ") g",
                "create index edge_src on edge (src)");
        System.out.printf("SIZE rosemeta %d MB, lineage %d MB%n",
                source.queryForLong("postgres", "select pg_database_size('rosemeta') >> 20"),
                source.queryForLong("postgres", "select pg_database_size('lineage') >> 20"));
        scenario = new ReplicationScenario(source, target, MIGRATION, DB);
        replicationPasswordRef = scenario.secret("replication", "Repl-" + UUID.randomUUID());
        Map<String, Object> settings = Map.of("replicator.initial-copy", "snapshot", "replicator.copy-chunk", "1MB",
                "replicator.copy-workers", "3");
        service = ServiceRunner.start(ReplicatorApplication.class, target, scenario.kafka.bootstrapServers(), settings);
        // A second instance: it takes no commands (the first is the active one) but joins the work topic's group.
        secondInstance = ServiceRunner.start(ReplicatorApplication.class, target, scenario.kafka.bootstrapServers(), settings);
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        scenario.stopWriter();
        ServiceRunner.stop(secondInstance);
        ServiceRunner.stop(service);
        scenario.close();
        target.close();
        source.close();
    }

    @Test
    @Order(0)
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
        assertThat(prepared.checks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("replication login " + DB);
            assertThat(c.status()).isEqualTo("OK");
        });
    }

    @Test
    @Order(1)
    void prepareWithAnotherPasswordSaysTheReplicationLoginFails() throws Exception {
        String wrong = scenario.secret("prepare-wrong", "not-the-replication-password");
        var outcome = scenario.send(new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
                List.of(DB), "127.0.0.1", REPLICATION_USER, wrong, 2));

        var prepared = (SourcePrepared) outcome;
        assertThat(prepared.ready()).isFalse();
        assertThat(prepared.checks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("replication login " + DB);
            assertThat(c.status()).isEqualTo("ACTION_REQUIRED");
            assertThat(c.remedy()).contains("password of role replicator");
        });
    }

    @Test
    @Order(2)
    void startThatFailsAtTheSubscriptionContinuesWhenSentAgain() throws Exception {
        scenario.startWriter();
        String wrong = scenario.secret("wrong", "not-the-password");
        var refused = scenario.send(start(wrong));

        // a password the source refuses is found before anything is made: nothing copied
        assertThat(refused).isInstanceOfSatisfying(ReplicationFailed.class, f -> assertThat(f.action())
                .contains("nothing was changed"));
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = '" + DB + "'")).isZero();

        // an address the target cannot reach the source at is found by the subscription only, after the copy
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var right = start(replicationPasswordRef);
        var failed = scenario.send(new StartReplication(right.commandId(), MIGRATION, right.issuedAt(), right.source(), right.target(),
                new PgEndpoint(source.host(), closed, DB, REPLICATION_USER, "disable", replicationPasswordRef), Map.of()));

        assertThat(failed).isInstanceOf(ReplicationFailed.class);
        assertThat(((ReplicationFailed) failed).reason()).contains("subscription");
        assertThat(target.queryForLong(DB, "select count(*) from pg_tables where tablename = 'blob'")).isEqualTo(1);

        var started = scenario.send(start(replicationPasswordRef));

        assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
        var s = (ReplicationStarted) started;
        assertThat(s.notes()).anySatisfy(n -> assertThat(n).contains("public.no_key"));
        assertThat(s.notes()).anySatisfy(n -> assertThat(n).contains("exported snapshot").contains("copy_data = false"));
        assertThat(target.queryForLong(DB, "select count(distinct instance) from migration_verify.copied_chunk"))
                .as("both instances copied a share of the chunks").isEqualTo(2);
        assertThat(target.queryForLong(DB, "select count(*) from pg_subscription_rel where srsubstate <> 'r'")).isZero();
        assertThat(s.postDataSteps()).isGreaterThan(0);
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots where slot_name = 'migration_rosemeta'"))
                .isEqualTo(1);
        assertThat(scenario.events.progress(MIGRATION)).anySatisfy(p -> {
            var reported = (ProgressReported) p;
            assertThat(reported.runId()).isEqualTo(started.runId());
            assertThat(reported.phase()).isEqualTo("copying");
            assertThat(reported.unit()).isEqualTo("bytes");
            assertThat(reported.total()).isPositive();
            assertThat(reported.done()).isEqualTo(reported.total());
        });
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
        String indexes = "select count(*) from pg_indexes where schemaname not in ('pg_catalog', 'information_schema', 'migration_verify')";
        assertThat(target.queryForLong(DB, indexes)).isEqualTo(source.queryForLong(DB, indexes));
        assertThat(scenario.events.progress(MIGRATION)).anySatisfy(p -> assertThat(p.toString()).contains("indexes"));
    }

    @Test
    @Order(4)
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
    }

    @Test
    @Order(5)
    void rosemetaAndLineageReplicateInParallelAndBothEqualTheSource() throws Exception {
        var rosemeta = start(DB, replicationPasswordRef);
        var lineage = start(SampleCatalog.LINEAGE, replicationPasswordRef);
        scenario.commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, rosemeta);
        scenario.commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, lineage);

        assertThat(scenario.events.awaitOutcome(rosemeta.commandId(), TIMEOUT)).isInstanceOf(ReplicationStarted.class);
        assertThat(scenario.events.awaitOutcome(lineage.commandId(), TIMEOUT)).isInstanceOf(ReplicationStarted.class);
        // Each run's thread says when it takes the run up: one after the other, lineage's would begin only once
        // rosemeta's had finished.
        var r = runTimes(rosemeta.commandId());
        var l = runTimes(lineage.commandId());
        assertThat(l[0]).as("lineage began running before rosemeta finished").isBefore(r[1]);
        assertThat(r[0]).as("rosemeta began running before lineage finished").isBefore(l[1]);

        for (String database : List.of(DB, SampleCatalog.LINEAGE)) {
            scenario.awaitCaughtUp(database);
        }
        assertThat(ReplicationScenario.fingerprint(target, SampleCatalog.LINEAGE, "public.edge")).startsWith(LINEAGE_ROWS + ":");

        for (String database : List.of(DB, SampleCatalog.LINEAGE)) {
            assertThat(scenario.send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                    target.endpoint("postgres"), MIGRATION))).isInstanceOf(ReplicationReset.class);
        }
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
    }

    /** When the run's thread took it up and when it finished, from the replicator's ledger. */
    static Instant[] runTimes(UUID runId) throws Exception {
        try (Connection c = target.connect(ServiceRunner.CONTROL_DATABASE);
             var ps = c.prepareStatement("""
                     select (select min(m.ts) from replicator.run_message m where m.run_id = r.run_id
                             and m.message like 'running on %'), r.ts_finished
                     from replicator.run r where r.run_id = ?""")) {
            ps.setObject(1, runId);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()};
            }
        }
    }

    static StartReplication start(String passwordRef) {
        return start(DB, passwordRef);
    }

    static StartReplication start(String database, String passwordRef) {
        return scenario.start(database, passwordRef);
    }
}
