package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
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
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicationTest} with {@code replicator.initial-copy: snapshot} and a small {@code copy-chunk}, so tables are
 * copied in block ranges under the slot's exported snapshot while a writer changes rows, then caught up by a
 * subscription with {@code copy_data = false}. The failed first START leaves a slot and copied rows: the second one
 * starts the copy over under a new snapshot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCopyReplicationTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String DB = SampleCatalog.ROSEMETA;
    static final String MIGRATION = "mig-replicate-snapshot";
    static final String REPLICATION_USER = "replicator";
    /** Sized so both databases hold a few hundred MB together while the class stays well under a minute. */
    static final long ROSEMETA_ROWS = Long.getLong("replicator.test.rosemeta-rows", 1_500_000);
    static final long LINEAGE_ROWS = Long.getLong("replicator.test.lineage-rows", 1_500_000);

    static PostgresCluster source;
    static PostgresCluster target;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;
    static ConfigurableApplicationContext service;
    static ConfigurableApplicationContext secondInstance;
    static Path secrets;
    static String replicationPasswordRef;
    static final AtomicBoolean writing = new AtomicBoolean(true);
    static final AtomicLong writes = new AtomicLong();
    static Thread writer;

    @BeforeAll
    static void startRealParts() throws Exception {
        source = PostgresCluster.builder("snap-source").logical().fast().start();
        target = PostgresCluster.builder("snap-target").fast().start();
        SampleCatalog.generate(source, SampleSize.ofRows(ROSEMETA_ROWS));
        source.execute(DB,
                "create table no_key (a int, b text)",
                "insert into no_key select g, 'row ' || g from generate_series(1, 500) g",
                "create table blob (id bigint primary key, body text)",
                "insert into blob select g, (select string_agg(md5(g::text || i), '') from generate_series(1, 200) i) "
                        + "from generate_series(1, 200) g",
                "create table events_p (id bigint not null, at date not null, what text, primary key (id, at)) partition by range (at)",
                "create table events_p_2025 partition of events_p for values from ('2025-01-01') to ('2026-01-01')",
                "create table events_p_2026 partition of events_p for values from ('2026-01-01') to ('2027-01-01')",
                "insert into events_p select g, date '2025-06-01' + (g % 400), 'e' || g from generate_series(1, 2000) g",
                "create index events_p_what on events_p (what)",
                "create schema \"Mixed\"",
                "create table \"Mixed\".\"CamelTable\" (\"Id\" int primary key, \"Label\" text)",
                "insert into \"Mixed\".\"CamelTable\" select g, 'L' || g from generate_series(1, 300) g",
                "create index \"CamelLabel\" on \"Mixed\".\"CamelTable\" (\"Label\")",
                "create index blob_body_prefix on blob (left(body, 10))");
        source.execute(SampleCatalog.LINEAGE,
                "create table edge (id bigint primary key, src text not null, dst text not null, seen timestamptz)",
                "insert into edge select g, 'node-' || (g % 5000), 'node-' || (g * 7 % 5000), now() from generate_series(1, "
                        + LINEAGE_ROWS + ") g",
                "create index edge_src on edge (src)");
        System.out.printf("SIZE rosemeta %d MB, lineage %d MB%n",
                source.queryForLong("postgres", "select pg_database_size('rosemeta') >> 20"),
                source.queryForLong("postgres", "select pg_database_size('lineage') >> 20"));
        secrets = Files.createTempDirectory("replicator-snapshot-test");
        replicationPasswordRef = secret("replication", "Repl-" + UUID.randomUUID());
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        events = EventLog.follow(kafka.bootstrapServers());
        commands = new CommandSender(kafka.bootstrapServers());
        Map<String, Object> settings = Map.of("replicator.initial-copy", "snapshot", "replicator.copy-chunk", "1MB",
                "replicator.copy-workers", "3");
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), settings);
        // A second instance: it takes no commands (the first is the active one) but joins the work topic's group.
        secondInstance = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), settings);
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join(5_000);
        }
        ServiceRunner.stop(secondInstance);
        ServiceRunner.stop(service);
        commands.close();
        events.close();
        kafka.close();
        target.close();
        source.close();
    }

    @Test
    @Order(0)
    void prepareFindsTheLogicalSourceReadyAndCreatesTheReplicationUser() {
        var outcome = send(new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
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
        String wrong = secret("prepare-wrong", "not-the-replication-password");
        var outcome = send(new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
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
        startWriter();
        String wrong = secret("wrong", "not-the-password");
        var refused = send(start(wrong));

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
        var failed = send(new StartReplication(right.commandId(), MIGRATION, right.issuedAt(), right.source(), right.target(),
                new PgEndpoint(source.host(), closed, DB, REPLICATION_USER, "disable", replicationPasswordRef), Map.of()));

        assertThat(failed).isInstanceOf(ReplicationFailed.class);
        assertThat(((ReplicationFailed) failed).reason()).contains("subscription");
        assertThat(target.queryForLong(DB, "select count(*) from pg_tables where tablename = 'blob'")).isEqualTo(1);

        var started = send(start(replicationPasswordRef));

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
        assertThat(events.progress(MIGRATION)).anySatisfy(p -> {
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
        writing.set(false);
        writer.join(5_000);
        assertThat(writes.get()).isGreaterThan(0);

        ReplicationStatusReported status = null;
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            var outcome = send(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                    target.endpoint("postgres")));
            assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
            status = (ReplicationStatusReported) outcome;
            if (status.answer().equals(ReplicationStatusReported.STOP_WAITING) && status.postDataDone() == status.postDataTotal()) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(status.answer()).isEqualTo("STOP_WAITING");
        assertThat(status.failures()).isEmpty();
        assertThat(status.tables()).allSatisfy(t -> assertThat(t.state()).isEqualTo("r"));
        assertThat(status.indexesCreated()).isEqualTo(status.indexesTotal()).isGreaterThanOrEqualTo(4);

        List<String> tables = tables();
        assertThat(tables).contains("public.no_key", "public.blob", "public.events_p_2025", "\"Mixed\".\"CamelTable\"");
        // STOP_WAITING allows a lag under the threshold: the last writes arrive moments later.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String table : tables) {
                assertThat(fingerprint(target, table)).as(table).isEqualTo(fingerprint(source, table));
            }
        });
        String indexes = "select count(*) from pg_indexes where schemaname not in ('pg_catalog', 'information_schema', 'migration_verify')";
        assertThat(target.queryForLong(DB, indexes)).isEqualTo(source.queryForLong(DB, indexes));
        assertThat(events.progress(MIGRATION)).anySatisfy(p -> assertThat(p.toString()).contains("indexes"));
    }

    @Test
    @Order(4)
    void resetLeavesNoSubscriptionNoSlotAndNoTargetDatabase() {
        var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
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
        events.assertNoRecordContains(source.password());
        events.assertNoRecordContains(target.password());
    }

    @Test
    @Order(5)
    void rosemetaAndLineageReplicateInParallelAndBothEqualTheSource() throws Exception {
        var rosemeta = start(DB, replicationPasswordRef);
        var lineage = start(SampleCatalog.LINEAGE, replicationPasswordRef);
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, rosemeta);
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, lineage);

        assertThat(events.awaitOutcome(rosemeta.commandId(), TIMEOUT)).isInstanceOf(ReplicationStarted.class);
        assertThat(events.awaitOutcome(lineage.commandId(), TIMEOUT)).isInstanceOf(ReplicationStarted.class);
        // Each run's thread says when it takes the run up: one after the other, lineage's would begin only once
        // rosemeta's had finished.
        var r = runTimes(rosemeta.commandId());
        var l = runTimes(lineage.commandId());
        assertThat(l[0]).as("lineage began running before rosemeta finished").isBefore(r[1]);
        assertThat(r[0]).as("rosemeta began running before lineage finished").isBefore(l[1]);

        for (String database : List.of(DB, SampleCatalog.LINEAGE)) {
            ReplicationStatusReported status = null;
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                var outcome = send(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                        target.endpoint("postgres")));
                assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
                status = (ReplicationStatusReported) outcome;
                if (status.answer().equals(ReplicationStatusReported.STOP_WAITING) && status.postDataDone() == status.postDataTotal()) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(status.answer()).as(database).isEqualTo("STOP_WAITING");
            assertThat(status.failures()).isEmpty();
            List<String> tables = tables(database);
            assertThat(tables).isNotEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (String table : tables) {
                    assertThat(fingerprint(target, database, table)).as(database + " " + table)
                            .isEqualTo(fingerprint(source, database, table));
                }
            });
        }
        assertThat(fingerprint(target, SampleCatalog.LINEAGE, "public.edge")).startsWith(LINEAGE_ROWS + ":");

        for (String database : List.of(DB, SampleCatalog.LINEAGE)) {
            assertThat(send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
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
        var replication = new PgEndpoint(source.host(), source.port(), database, REPLICATION_USER, "disable", passwordRef);
        return new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                target.endpoint("postgres"), replication, Map.of());
    }

    static OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    static String secret(String name, String value) throws Exception {
        Path file = Files.createFile(secrets.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value);
        return "file:" + file;
    }

    /** Inserts, updates and deletes in several tables until told to stop. */
    static void startWriter() {
        writer = new Thread(() -> {
            try (Connection c = source.connect(DB); var st = c.createStatement()) {
                long i = 0;
                while (writing.get()) {
                    i++;
                    st.execute("insert into no_key values (" + (10_000 + i) + ", 'new')");
                    st.execute("update no_key set b = b || '+' where a = " + (i % 500 + 1));
                    st.execute("update blob set body = md5(body) || body where id = " + (i % 200 + 1));
                    st.execute("delete from events_p where id = " + i);
                    st.execute("insert into events_p values (" + (100_000 + i) + ", date '2026-02-01', 'late')");
                    st.execute("update \"Mixed\".\"CamelTable\" set \"Label\" = 'U' || " + i + " where \"Id\" = " + (i % 300 + 1));
                    writes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "source-writer");
        writer.start();
    }

    static List<String> tables() throws Exception {
        return tables(DB);
    }

    static List<String> tables(String database) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = source.connect(database); var rs = c.createStatement().executeQuery("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') order by 1""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    static String fingerprint(PostgresCluster cluster, String table) throws Exception {
        return fingerprint(cluster, DB, table);
    }

    static String fingerprint(PostgresCluster cluster, String database, String table) throws Exception {
        try (Connection c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                // order-independent and streaming (string_agg of a large table would pass 1 GB): row count and the sum of
                // the first 64 bits of each row's md5
                "select count(*) || ':' || coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0) from "
                        + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
