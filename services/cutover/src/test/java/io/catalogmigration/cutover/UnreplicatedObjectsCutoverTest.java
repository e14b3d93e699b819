package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import io.catalogmigration.testkit.SwitchingWriter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What logical replication does not carry, from a PostgreSQL 13 source to a 17 target whose administrator is not a
 * superuser (the runbook's servers), with the snapshot copy and an application writing throughout: large objects
 * (written before replication, then changed, added and deleted while it runs, and one changed inside the cutover's
 * window), a materialized view populated on the source (and stale there), one created WITH NO DATA, and an unlogged
 * table with rows (more written inside the window). After the cutover the target holds each of them as the source
 * did when writes stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreplicatedObjectsCutoverTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-unreplicated";
    static final String DB = SampleCatalog.ROSEMETA;
    static final List<String> DATABASES = List.of(DB);
    /** Large objects' contents, owners and privileges (the default ones written out), as both servers print them. */
    static final String LARGE_OBJECTS = """
            select m.oid::text || ' owner=' || pg_get_userbyid(m.lomowner)
                   || ' acl=' || coalesce(m.lomacl, acldefault('L', m.lomowner))::text
                   || ' md5=' || md5(lo_get(m.oid))
            from pg_largeobject_metadata m order by m.oid""";
    static final String EVENT_COUNTS_QUERY = "select name, count(*) as events, max(id) as last_id from metrics_event group by name";

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext replicator;
    ConfigurableApplicationContext cutover;
    Path settingsFile;
    SwitchingWriter writer;
    /** While this file exists, the stop-writes hook changes a large object and an unlogged table's rows on the source. */
    Path inWindow;
    ReplicationStarted started;

    @BeforeAll
    void startRealParts() throws Exception {
        source = PostgresCluster.builder("unrepl13-source").version(13).logical().fast().start();
        // logical: after the switch the target replicates the application's writes back to the source
        target = PostgresCluster.builder("unrepl17-target").version(17).rdsShaped().logical().fast().start();
        SampleCatalog.generate(source, SampleSize.tiny());
        String owner = SampleCatalog.APPLICATION_ROLE;
        source.execute(DB,
                "select lo_from_bytea(910001, convert_to(repeat('the first large object ', 1000), 'UTF8'))",
                // about 11 MB: copied and hashed in pieces
                "select lo_from_bytea(910002, (select decode(string_agg(md5(g::text), ''), 'hex') from generate_series(1, 700000) g))",
                "select lo_from_bytea(910003, convert_to('deleted while replication runs', 'UTF8'))",
                "select lo_create(910005)", // empty
                "alter large object 910001 owner to " + owner,
                "alter large object 910002 owner to " + owner,
                "alter large object 910003 owner to " + owner,
                "alter large object 910005 owner to " + owner,
                "grant select on large object 910001 to alation_db",
                "grant select, update on large object 910002 to alation_db_user",
                "create materialized view public.event_counts as " + EVENT_COUNTS_QUERY,
                "create unique index event_counts_name on public.event_counts (name)",
                "alter materialized view public.event_counts owner to " + owner,
                "create materialized view public.pending_report as select id, name from metrics_event where value < 0 with no data",
                "alter materialized view public.pending_report owner to " + owner,
                "create unlogged table public.session_cache (id int primary key, payload text not null, touched timestamptz)",
                "insert into public.session_cache select g, repeat(md5(g::text), 8), now() from generate_series(1, 5000) g",
                "alter table public.session_cache owner to " + owner);
        settingsFile = Files.createTempDirectory("unreplicated-test").resolve("application-db.properties");
        SwitchingWriter.writeSettings(settingsFile, DB, source.host(), source.port(), source.superuser(), source.secretRef());
        kafka = KafkaBroker.start();
        for (String topic : List.of(Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND)) {
            kafka.createTopic(topic, 1);
            kafka.createTopic(Topics.deadLetter(topic), 1);
        }
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.REPLICATE_COMMAND);
        commands = new CommandSender(kafka.bootstrapServers());
        replicator = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), Map.of());
        inWindow = settingsFile.resolveSibling("write-in-window");
        Path hook = settingsFile.resolveSibling("stop-writes.sh");
        Files.writeString(hook, "#!/bin/sh\n[ -f '" + inWindow + "' ] || exit 0\n"
                + "PGPASSWORD='" + source.password() + "' psql -v ON_ERROR_STOP=1 -h " + source.host() + " -p " + source.port()
                + " -U " + source.superuser() + " -d " + DB
                + " -c \"select lo_put(910001, 4, convert_to('CHANGED IN THE WINDOW', 'UTF8'))\""
                + " -c \"insert into public.session_cache values (900001, 'written in the window', now())\"\n");
        hook.toFile().setExecutable(true);
        cutover = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(),
                Map.of("cutover.switcher.file", settingsFile.toString(), "cutover.stop-writes-command", hook.toString(),
                        "cutover.max-write-downtime", "60s"));
        writer = new SwitchingWriter(settingsFile, DB);
    }

    @AfterAll
    void stopRealParts() throws Exception {
        if (writer != null) writer.close();
        ServiceRunner.stop(cutover);
        ServiceRunner.stop(replicator);
        commands.close();
        events.close();
        kafka.close();
        target.close();
        source.close();
    }

    @Test
    @Order(1)
    void theInitialCopyCarriesTheLargeObjectsWithTheirOwnersAndPrivilegesAndSaysWhatWaitsForTheWindow() throws Exception {
        Map<String, String> rolePasswords = new HashMap<>();
        SampleCatalog.loginRoles().forEach(role -> rolePasswords.put(role, SampleCatalog.roleSecretRef(source, role)));
        var outcome = replicate(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), source.endpoint(DB), rolePasswords));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStarted.class);
        started = (ReplicationStarted) outcome;
        assertThat(started.notes())
                .anyMatch(n -> n.startsWith("large objects: 4 ") && n.contains("copied"))
                .anyMatch(n -> n.contains("materialized view public.event_counts") && n.contains("window"))
                .anyMatch(n -> n.contains("public.pending_report") && n.contains("WITH NO DATA"))
                .anyMatch(n -> n.contains("unlogged table public.session_cache") && n.contains("cutover's window"));
        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS));
    }

    @Test
    @Order(2)
    void largeObjectsChangedAddedAndDeletedWhileReplicationRunsAreCarriedByTheChecksAndTheViewIsPopulated() throws Exception {
        source.execute(DB,
                "select lo_put(910002, 1000000, convert_to('changed while replication runs', 'UTF8'))",
                "select lo_from_bytea(910004, convert_to('added while replication runs', 'UTF8'))",
                "alter large object 910004 owner to " + SampleCatalog.APPLICATION_ROLE,
                "grant select on large object 910004 to public",
                "select lo_unlink(910003)",
                "revoke select on large object 910001 from alation_db");

        var status = awaitStopWaiting();

        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS));
        assertThat(status.copiedObjects()).filteredOn(o -> o.kind().equals(CopiedObject.LARGE_OBJECTS)).singleElement()
                .satisfies(o -> {
                    assertThat(o.count()).isEqualTo(4);
                    assertThat(o.equal()).isTrue();
                });
        assertThat(status.copiedObjects()).filteredOn(o -> "public.event_counts".equals(o.name())).singleElement()
                .satisfies(o -> assertThat(o.equal()).isTrue());
        assertThat(populated(target, "event_counts")).isTrue();
        assertThat(populated(target, "pending_report")).isFalse();
        assertThat(target.queryForLong(DB, "select count(*) from public.session_cache")).isZero();
    }

    @Test
    @Order(3)
    void thePreflightStatesWhatTheWindowWillCopyAndFindsALargeObjectWrittenOnTheTarget() throws Exception {
        var passed = cutover(preflight());
        assertThat(passed).as(passed.toString()).isInstanceOf(PreflightPassed.class);
        var checks = ((PreflightPassed) passed).checks();
        assertThat(checks).filteredOn(c -> "large-objects".equals(c.check())).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("4 large objects"));
        assertThat(checks).filteredOn(c -> "materialized-views".equals(c.check())).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("public.event_counts").contains("public.pending_report"));
        assertThat(checks).filteredOn(c -> "unlogged-tables".equals(c.check())).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("public.session_cache").contains("MB").contains("s in the window"));

        try (Connection c = target.connect(DB); var st = c.createStatement()) {
            st.execute("select lo_put(910004, 0, convert_to('written on the target', 'UTF8'))");
        }
        var failed = cutover(preflight());
        assertThat(failed).as(failed.toString()).isInstanceOf(CutoverFailed.class);
        assertThat(((CutoverFailed) failed).checks()).filteredOn(c -> "large-objects".equals(c.check()) && c.failed())
                .singleElement().satisfies(c -> assertThat(c.detail()).contains("910004"));

        // The next check copies it again from the source.
        awaitStopWaiting();
        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS));
        assertThat(cutover(preflight())).isInstanceOf(PreflightPassed.class);
    }

    @Test
    @Order(4)
    void theCutoverCarriesWhatChangedInsideTheWindowAndRefreshesTheViewToItsQuerysResultAtTheFence() throws Exception {
        long onSource = writer.writesOn(server(source));
        Awaitility.await().atMost(TIMEOUT).until(() -> writer.writesOn(server(source)) > onSource + 5);
        Files.writeString(inWindow, "on");
        OutcomeEvent outcome;
        try {
            outcome = cutover(new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
                    target.endpoint("postgres"), DATABASES, target.adminUser(), target.adminSecretRef(), null, MIGRATION, null,
                    null, SampleCatalog.LEFT_BEHIND_ON_RDS));
        } finally {
            Files.delete(inWindow);
        }

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverCompleted.class);
        var done = (CutoverCompleted) outcome;
        assertThat(done.phases()).extracting(p -> p.phase()).contains("COPY_UNREPLICATED");
        // the large object the stop-writes hook changed moments before the fence
        assertThat(lines(target, "select convert_from(lo_get(910001, 0, 25), 'UTF8')"))
                .containsExactly("the CHANGED IN THE WINDOW");
        assertThat(lines(target, LARGE_OBJECTS)).isEqualTo(lines(source, LARGE_OBJECTS));
        assertThat(done.copiedObjects()).filteredOn(o -> o.kind().equals(CopiedObject.LARGE_OBJECTS)).singleElement()
                .satisfies(o -> {
                    assertThat(o.equal()).isTrue();
                    assertThat(o.count()).isEqualTo(4);
                    assertThat(o.detail()).contains("1 copied");
                });
        // the view holds its query's result at the fence, not the source's stale contents
        assertThat(populated(target, "event_counts")).isTrue();
        // (the rows the application writes on the target after the switch reach the source by the fallback replication,
        // so the source's rows are read up to the last one at the fence, which the refreshed view names)
        long atFence = target.queryForLong(DB, "select max(last_id) from public.event_counts");
        assertThat(lines(target, "select name || ' ' || events || ' ' || last_id from public.event_counts order by 1"))
                .isEqualTo(lines(source, "select name || ' ' || events || ' ' || last_id from ("
                        + EVENT_COUNTS_QUERY.replace(" group by", " where id <= " + atFence + " group by") + ") q order by 1"))
                .isNotEqualTo(lines(source, "select name || ' ' || events || ' ' || last_id from public.event_counts order by 1"));
        assertThat(done.copiedObjects()).filteredOn(o -> "public.event_counts".equals(o.name())).singleElement()
                .satisfies(o -> assertThat(o.equal()).isTrue());
        assertThat(done.notes()).anyMatch(n -> n.contains("public.event_counts") && n.contains("stale"));
        assertThat(populated(target, "pending_report")).isFalse();
        // the unlogged table's rows, with those written in the window
        String cache = "select count(*) || ' ' || md5(string_agg(t::text, '|' order by id)) from public.session_cache t";
        assertThat(lines(target, cache)).isEqualTo(lines(source, cache));
        assertThat(target.queryForLong(DB, "select count(*) from public.session_cache where id = 900001")).isEqualTo(1);
        assertThat(done.copiedObjects()).filteredOn(o -> "public.session_cache".equals(o.name())).singleElement()
                .satisfies(o -> {
                    assertThat(o.equal()).isTrue();
                    assertThat(o.count()).isEqualTo(5001);
                });
        // the application works on the target with what it stored in large objects
        awaitWritesOn(target);
        try (Connection c = java.sql.DriverManager.getConnection(target.jdbcUrl(DB), "alation_db_user",
                SampleCatalog.rolePassword(source, "alation_db_user")); var st = c.createStatement()) {
            st.execute("select lo_put(910002, 0, convert_to('the application writes here now', 'UTF8'))");
        }
    }

    private ReplicationStatusReported awaitStopWaiting() {
        var last = new ReplicationStatusReported[1];
        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            var outcome = replicate(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                    target.endpoint("postgres")));
            assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
            last[0] = (ReplicationStatusReported) outcome;
            return last[0].answer().equals(ReplicationStatusReported.STOP_WAITING)
                    && last[0].postDataDone() == last[0].postDataTotal();
        });
        return last[0];
    }

    private RunPreflight preflight() {
        // what RDS cannot have (the runbook's file_fdw) is accepted as left behind, as the runbook does
        return new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"),
                target.endpoint("postgres"), DATABASES, null, null, SampleCatalog.LEFT_BEHIND_ON_RDS, null);
    }

    private boolean populated(PostgresCluster cluster, String view) {
        return cluster.queryForLong(DB, "select count(*) from pg_matviews where matviewname = '" + view + "' and ispopulated") == 1;
    }

    private static List<String> lines(PostgresCluster cluster, String sql) throws Exception {
        List<String> lines = new ArrayList<>();
        try (var c = cluster.connect(DB); var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) lines.add(rs.getString(1));
        }
        return lines;
    }

    private OutcomeEvent cutover(CutoverCommand command) {
        commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private OutcomeEvent replicate(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private String server(PostgresCluster cluster) {
        return cluster.host() + ":" + cluster.port();
    }

    private void awaitWritesOn(PostgresCluster cluster) {
        long before = writer.writesOn(server(cluster));
        Awaitility.await("the application writes on " + cluster).atMost(TIMEOUT)
                .until(() -> writer.writesOn(server(cluster)) > before + 5);
    }
}
