package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
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
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online verification against real servers (a 13 source, an RDS-shaped 17 target) while a writer changes rows: rows damaged on the target behind
 * replication's back (in a table over 64 MB, in a table without a key, in a partition) are found and named by key,
 * the pass resumes after a restart without comparing any chunk twice and spreads over two instances, and a row mended on the target is checked again
 * by the next delta pass until the answer is STOP_WAITING.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineVerificationTest {

    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final String DB = "catalog";
    static final String MIGRATION = "mig-verify";
    /** One work listener per instance (verify.workers, copy-workers and index-workers all 1): two instances, two consumers. */
    static final Map<String, Object> SETTINGS = Map.of("replicator.verify.chunk", "512KB", "replicator.verify.workers", "1",
            "replicator.copy-workers", "1", "replicator.index-workers", "1", "replicator.items-per-message", "10");

    static PostgresCluster source;
    static PostgresCluster target;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;
    static ConfigurableApplicationContext service;
    static ConfigurableApplicationContext second;
    static final AtomicBoolean writing = new AtomicBoolean(true);
    static Thread writer;

    @BeforeAll
    static void startRealParts() throws Exception {
        // The runbook's servers: a 13 source, a 17 target whose administrator is not a superuser (as on RDS).
        source = PostgresCluster.builder("verify-source").version(13).logical().fast().start();
        target = PostgresCluster.builder("verify-target").version(17).rdsShaped().fast().start();
        source.createDatabase(DB);
        source.execute(DB,
                // Over 64 MB, most of it TOASTed text that does not compress.
                "create table big (id bigint primary key, body text, n int)",
                "alter table big alter column body set storage external",
                "insert into big select g, (select string_agg(md5(g::text || i), '') from generate_series(1, 110) i), 0 "
                        + "from generate_series(1, 20000) g",
                "create table no_key (a int, b text)",
                "insert into no_key select g, 'row ' || g from generate_series(1, 3000) g",
                "create table pair (org text, id int, label text, primary key (org, id))",
                "insert into pair select 'org' || (g % 7), g, 'label ' || g from generate_series(1, 5000) g",
                "create table events_p (id bigint not null, at date not null, what text, primary key (id, at)) partition by range (at)",
                "create table events_p_2025 partition of events_p for values from ('2025-01-01') to ('2026-01-01')",
                "create table events_p_2026 partition of events_p for values from ('2026-01-01') to ('2027-01-01')",
                "insert into events_p select g, date '2025-06-01' + (g % 400), 'e' || g from generate_series(1, 4000) g",
                "analyze");
        assertThat(source.queryForLong(DB, "select pg_total_relation_size('big')")).isGreaterThan(64L << 20);
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers());
        commands = new CommandSender(kafka.bootstrapServers());
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), SETTINGS);
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        writing.set(false);
        if (writer != null) writer.join(5_000);
        ServiceRunner.stop(second);
        ServiceRunner.stop(service);
        commands.close();
        events.close();
        kafka.close();
        target.close();
        source.close();
    }

    @Test
    @Order(1)
    void rowsDamagedOnTheTargetAreFoundByTheOnlinePassWhichResumesAfterARestartWithoutComparingAChunkTwice()
            throws Exception {
        var started = send(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), source.endpoint(DB), Map.of()));
        assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
        startWriter();
        Awaitility.await().atMost(TIMEOUT).until(() -> target.queryForLong(DB,
                "select count(*) from pg_subscription_rel where srsubstate <> 'r'") == 0);

        // Behind replication's back, before verification begins (so the change log has not seen it).
        target.execute(DB,
                "update big set body = 'damaged' where id = 12345",
                "delete from no_key where a = 77",
                "update pair set label = 'damaged' where org = 'org3' and id = 10",
                "update events_p set what = 'damaged' where id = 500");

        var first = check();
        assertThat(first.verification().state()).isEqualTo(VerificationReport.VERIFYING);
        int chunks = first.verification().chunksTotal();
        assertThat(chunks).as("the table over 64 MB is cut into ranges").isGreaterThan(100);

        Awaitility.await().atMost(TIMEOUT).until(() -> verifiedChunks() >= 20);
        ServiceRunner.stop(service);
        long beforeRestart = verifiedChunks();
        assertThat(beforeRestart).as("interrupted in the middle of the pass").isLessThan(chunks);
        var before = instances();
        // Two instances now: the rest of the pass spreads over both through the consumer group.
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), SETTINGS);
        second = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), SETTINGS);

        ReplicationStatusReported status = first;
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline) && status.verification().state().equals(VerificationReport.VERIFYING)) {
            Thread.sleep(500);
            status = check();
        }

        var verification = status.verification();
        assertThat(verification.state()).as(verification.toString()).isEqualTo(VerificationReport.DIFFERENT);
        assertThat(status.answer()).isEqualTo(ReplicationStatusReported.NEED_TO_WAIT);
        assertThat(verification.differences()).anySatisfy(d -> assertThat(d).startsWith("public.big key [12345]"))
                .anySatisfy(d -> assertThat(d).startsWith("public.no_key").contains("1 row(s) of the source have no identical row"))
                .anySatisfy(d -> assertThat(d).startsWith("public.pair key [org3, 10]"))
                .anySatisfy(d -> assertThat(d).startsWith("public.events_p_2025 key [500, ").contains("contents differ"))
                .hasSize(4);
        assertThat(target.queryForLong(DB, "select count(*) from migration_verify.verified_chunk")).isEqualTo(chunks);
        assertThat(target.queryForLong(DB, "select max(checks) from migration_verify.verified_chunk"))
                .as("no chunk compared twice across the restart").isEqualTo(1);
        var after = instances();
        after.removeAll(before);
        assertThat(after).as("chunks verified after the restart, by instance").hasSize(2);
        assertThat(events.progress(MIGRATION)).anySatisfy(p -> assertThat(p.toString()).contains("verify"));
    }

    @Test
    @Order(2)
    void rowsMendedOnTheTargetAreCheckedAgainAndTheAnswerBecomesStopWaitingWhileWritesGoOn() throws Exception {
        String body;
        try (Connection c = source.connect(DB); var rs = c.createStatement().executeQuery("select body from big where id = 12345")) {
            rs.next();
            body = rs.getString(1);
        }
        try (Connection c = target.connect(DB); var ps = c.prepareStatement("update big set body = ? where id = 12345")) {
            ps.setString(1, body);
            ps.executeUpdate();
        }
        target.execute(DB,
                "insert into no_key values (77, 'row 77')",
                "update pair set label = 'label 10' where org = 'org3' and id = 10",
                "update events_p set what = 'e500' where id = 500");

        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> check().answer().equals(ReplicationStatusReported.STOP_WAITING));
        var status = check();
        assertThat(status.verification().differences()).isEmpty();
        assertThat(status.verification().deltaPasses()).isPositive();
        assertThat(status.verification().rowsVerified()).isGreaterThanOrEqualTo(32_000);
        events.assertNoRecordContains(source.password());
        events.assertNoRecordContains(target.password());
    }

    static java.util.Set<String> instances() throws Exception {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (Connection c = target.connect(DB); var rs = c.createStatement().executeQuery(
                "select distinct verified_by from migration_verify.verified_chunk")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    static long verifiedChunks() {
        return target.queryForLong(DB, "select count(*) from migration_verify.verified_chunk");
    }

    static ReplicationStatusReported check() {
        var outcome = send(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres")));
        assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
        return (ReplicationStatusReported) outcome;
    }

    static io.catalogmigration.common.contract.OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    /**
     * Updates and inserts (never the damaged rows) until told to stop. Not in the table without a key: one that keeps
     * changing cannot be compared online (no key to look its rows up by) and is left to the window, as a whole.
     */
    static void startWriter() {
        writer = new Thread(() -> {
            try (Connection c = source.connect(DB); var st = c.createStatement()) {
                long i = 0;
                while (writing.get()) {
                    i++;
                    st.execute("update big set n = n + 1 where id = " + (i % 10_000 + 1));
                    st.execute("update pair set label = label || '+' where org = 'org1' and id = " + (i % 700 * 7 + 1));
                    st.execute("insert into events_p values (" + (100_000 + i) + ", date '2026-02-01', 'late')");
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "source-writer");
        writer.start();
    }
}
