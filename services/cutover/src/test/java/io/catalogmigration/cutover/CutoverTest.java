package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverFinished;
import io.catalogmigration.common.contract.CutoverReset;
import io.catalogmigration.common.contract.FallbackReported;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.testkit.ApplicationRole;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 6 against real parts: a logical source with the generated catalog, a target filled by the real replicator, a
 * real broker, and an application writer that logs in as its own role and follows the settings file the cutover
 * switches. The scenarios run in order on the same migration: a preflight before replication, bad input, aborts inside
 * the downtime window, a restart inside it, the cutover itself under a writer that tries every way back in, a rollback
 * after writes on the target that loses none of them, a reset, and a second cutover whose application does not come
 * up, finished.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CutoverTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-cutover";
    /** The login the source replicates back with; the cutover creates it on the target. */
    static final String FALLBACK_LOGIN = "fallback_replicator";
    static final List<String> DATABASES = List.of(SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE);

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext replicator;
    ConfigurableApplicationContext cutover;
    Map<String, Object> cutoverSettings;
    Path settingsFile;
    String settingsBefore;
    SwitchingWriter writer;
    /** The application's role, on both servers. */
    ApplicationRole app;
    /** Another application's role (a batch job): fenced too. */
    ApplicationRole batch;
    /** The test's write probe on the source: not the application's, so the migration leaves it there. */
    static final List<String> PROBE = List.of("table public.write_probe", "function public.probe_write()",
            "trigger public.metrics_event.probe_write");
    final Map<String, ReplicationStarted> replicationStarted = new java.util.HashMap<>();
    String fallbackSecretRef;
    /** The source's roles, database privileges and settings before any cutover. */
    String sourceAccess;
    /** While this file exists, the stop-writes hook changes a row on the target: a difference born inside the window. */
    Path tamper;
    /** While this file exists, the stop-writes hook takes 5 s: a phase slower than the window's limit. */
    Path slow;

    /** The source server: the installed major, its superuser. */
    PostgresCluster.Builder sourceServer() {
        return PostgresCluster.builder("cutover-source");
    }

    /** The target server: the installed major, its superuser. */
    PostgresCluster.Builder targetServer() {
        return PostgresCluster.builder("cutover-target");
    }

    @BeforeAll
    void startRealParts() throws Exception {
        source = sourceServer().logical().fast().start();
        // logical: after the switch the target publishes the application's writes back to the source
        target = targetServer().logical().fast().start();
        SampleCatalog.generate(source, SampleSize.tiny());
        source.execute(SampleCatalog.ROSEMETA,
                "create table app_setting (id int primary key, value text)",
                "insert into app_setting select g, 'value ' || g from generate_series(1, 100) g");
        app = ApplicationRole.create(source, "catalog_app", DATABASES.toArray(String[]::new));
        batch = ApplicationRole.create(source, "catalog_batch", DATABASES.toArray(String[]::new));
        sourceAccess = ServerAccess.of(source);
        settingsFile = Files.createTempDirectory("cutover-test").resolve("application-db.properties");
        Path fallbackSecret = settingsFile.resolveSibling("fallback.password");
        Files.writeString(fallbackSecret, "Fallback-" + UUID.randomUUID());
        fallbackSecret.toFile().setReadable(false, false);
        fallbackSecret.toFile().setReadable(true, true);
        fallbackSecretRef = "file:" + fallbackSecret;
        SwitchingWriter.writeSettings(settingsFile, SampleCatalog.ROSEMETA, source.host(), source.port(), app.name(),
                app.secretRef());
        settingsBefore = Files.readString(settingsFile);
        kafka = KafkaBroker.start();
        for (String topic : List.of(Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND)) {
            kafka.createTopic(topic, 1);
            kafka.createTopic(Topics.deadLetter(topic), 1);
        }
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(Topics.CUTOVER_COMMAND), Topics.REPLICATE_COMMAND);
        commands = new CommandSender(kafka.bootstrapServers());
        replicator = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), Map.of());
        tamper = settingsFile.resolveSibling("tamper-in-window");
        slow = settingsFile.resolveSibling("slow-stop");
        Path hook = settingsFile.resolveSibling("stop-writes.sh");
        Files.writeString(hook, "#!/bin/sh\n[ -f '" + slow + "' ] && sleep 5\n[ -f '" + tamper + "' ] || exit 0\n"
                + "PGPASSWORD='" + target.password() + "' psql -h " + target.host() + " -p " + target.port() + " -U "
                + target.superuser() + " -d " + SampleCatalog.ROSEMETA
                + " -c \"update app_setting set value = 'changed in the window' where id = 9\"\n");
        hook.toFile().setExecutable(true);
        cutoverSettings = Map.of("cutover.switcher.file", settingsFile.toString(), "cutover.stop-writes-command",
                hook.toString(), "cutover.confirm-timeout", "5s");
        cutover = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(), cutoverSettings);
        writer = new SwitchingWriter(settingsFile, SampleCatalog.ROSEMETA);
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
    void aPreflightBeforeReplicationFailsNamingTheMissingSubscriptionAndChangesNothing() throws Exception {
        var outcome = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES));

        assertThat(outcome).isInstanceOf(CutoverFailed.class);
        var failed = (CutoverFailed) outcome;
        assertThat(failed.phase()).isEqualTo("PREFLIGHT");
        assertThat(failed.checks()).filteredOn(c -> "subscription".equals(c.check()))
                .hasSize(2).allSatisfy(c -> assertThat(c.status()).isEqualTo(CutoverCheck.FAILED));
        assertThat(failed.checks()).filteredOn(c -> "switcher".equals(c.check())).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(CutoverCheck.OK));
        assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
        awaitWritesOn(source);
    }

    @Test
    @Order(2)
    void onceTheTargetCaughtUpWithItsIndexesBuiltThePreflightPasses() {
        replicateAndCatchUp();
        // Every write of the application made on the source itself (not applied by replication) leaves its WAL position
        // here: created after replication started, so it stays on the source.
        source.execute(SampleCatalog.ROSEMETA,
                "create table write_probe (at_lsn pg_lsn not null, who text not null)",
                "create function probe_write() returns trigger language plpgsql security definer set search_path = public "
                        + "as $$ begin insert into write_probe values (pg_current_wal_lsn(), session_user); return null; end $$",
                "create trigger probe_write after insert or update on metrics_event for each row execute function probe_write()");

        // What RDS cannot have (file_fdw, its server and foreign table) and the probe are named, and stop the cutover
        // until accepted.
        var unaccepted = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES,
                app.name(), app.secretRef(), PROBE, fallbackLogin()));
        assertThat(unaccepted).as(unaccepted.toString()).isInstanceOf(CutoverFailed.class);
        assertThat(((CutoverFailed) unaccepted).checks()).filteredOn(CutoverCheck::failed).singleElement().satisfies(c -> {
            assertThat(c.database()).isEqualTo(SampleCatalog.ROSEMETA);
            assertThat(c.check()).isEqualTo("inventory");
            assertThat(c.detail()).contains("object(s) of the source would be lost")
                    .contains(SampleCatalog.LEFT_BEHIND_ON_RDS.toArray(String[]::new)).contains("--accept-loss");
        });

        var outcome = cutover(preflight());

        assertThat(outcome).as(outcome.toString()).isInstanceOf(PreflightPassed.class);
        var checks = ((PreflightPassed) outcome).checks();
        assertThat(checks).extracting(CutoverCheck::check).contains("subscription", "tables-ready", "lag", "indexes",
                "constraints", "sequences", "verification", "schema", "inventory", "application-login", "fallback",
                "switcher", "hooks");
        assertThat(checks).filteredOn(c -> "inventory".equals(c.check()) && SampleCatalog.ROSEMETA.equals(c.database()))
                .singleElement().satisfies(c -> {
                    assertThat(c.status()).isEqualTo(CutoverCheck.WARNING);
                    assertThat(c.detail()).contains("accepted to be left behind").contains("foreign table public.import_log");
                });
        assertThat(checks).filteredOn(c -> "application-login".equals(c.check())).hasSize(2)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(CutoverCheck.OK));
        assertThat(checks).filteredOn(c -> "verification".equals(c.check())).hasSize(2)
                .allSatisfy(c -> assertThat(c.detail()).contains("rows verified online"));
        assertThat(checks).filteredOn(c -> "fallback".equals(c.check())).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains(FALLBACK_LOGIN + " will be created"));
        assertThat(checks).noneMatch(CutoverCheck::failed);

        // The application's role, left unable to log in on the target, is caught before anything stops.
        target.execute("postgres", "ALTER ROLE " + app.name() + " NOLOGIN");
        try {
            var refused = cutover(preflight());
            assertThat(refused).as(refused.toString()).isInstanceOf(CutoverFailed.class);
            assertThat(((CutoverFailed) refused).checks()).filteredOn(CutoverCheck::failed).hasSize(2).allSatisfy(c -> {
                assertThat(c.check()).isEqualTo("application-login");
                assertThat(c.detail()).contains(app.name() + " cannot log in").contains("NOLOGIN").contains("rolePasswordRefs");
            });
        } finally {
            target.execute("postgres", "ALTER ROLE " + app.name() + " LOGIN");
        }
    }

    @Test
    @Order(3)
    void badInputIsRefusedWithAReasonOrDeadLetteredAndStopsNothing() throws Exception {
        var unconfirmed = cutover(start("yes please"));
        assertThat(unconfirmed).isInstanceOf(CutoverFailed.class);
        assertThat(((CutoverFailed) unconfirmed).phase()).isEqualTo("VALIDATE");
        assertThat(((CutoverFailed) unconfirmed).reason()).contains("confirm must repeat the migrationId");

        var badDatabase = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                List.of("x".repeat(70))));
        assertThat(((CutoverFailed) badDatabase).reason()).contains("databases:");

        var unconfirmedFinish = cutover(new FinishCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(),
                targetAdmin(), DATABASES, null));
        assertThat(((CutoverFailed) unconfirmedFinish).reason()).contains("no rollback is possible afterwards");

        commands.sendRaw(Topics.CUTOVER_COMMAND, MIGRATION, "{\"type\":\"StartCutover\", \"commandId\": ");
        events.awaitRecord(Topics.deadLetter(Topics.CUTOVER_COMMAND), r -> MIGRATION.equals(r.key()), TIMEOUT);

        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
        assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
        awaitWritesOn(source);
    }

    @Test
    @Order(4)
    void aRowChangedOnTheTargetBehindReplicationsBackIsFoundOnlineAndNamedByKeyBeforeAnyWriteStops() throws Exception {
        target.execute(SampleCatalog.ROSEMETA, "update app_setting set value = 'changed on the target only' where id = 7");

        var outcome = cutover(start(MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverFailed.class);
        var failed = (CutoverFailed) outcome;
        assertThat(failed.phase()).isEqualTo("PREFLIGHT");
        assertThat(failed.checks()).filteredOn(c -> "verification".equals(c.check()) && c.failed()).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("app_setting key [7]"));
        assertThat(failed.sourceReleased()).isFalse();
        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
        assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
        awaitWritesOn(source);

        // Mended on the target, the row is checked again by the next pass and the difference is gone.
        target.execute(SampleCatalog.ROSEMETA, "update app_setting set value = 'value 7' where id = 7");
        var mended = cutover(preflight());
        assertThat(mended).as(mended.toString()).isInstanceOf(PreflightPassed.class);
    }

    @Test
    @Order(5)
    void aDifferenceBornInsideTheWindowAbortsNamingTableAndKeyAndReleasesTheSourceExactly() throws Exception {
        Files.writeString(tamper, "on");
        try {
            var outcome = cutover(start(MIGRATION));

            assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverFailed.class);
            var failed = (CutoverFailed) outcome;
            assertThat(failed.phase()).isEqualTo("VERIFY");
            assertThat(failed.reason()).contains("app_setting key [9]");
            assertThat(failed.sourceReleased()).isTrue();
            assertThat(failed.switched()).isFalse();
            assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
            assertThat(readOnly(source, SampleCatalog.LINEAGE)).isFalse();
            // The application's roles may log in again, exactly as before: nothing else of the source changed.
            assertThat(ServerAccess.of(source)).isEqualTo(sourceAccess);
            assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
            for (String database : DATABASES) {
                assertThat(target.queryForLong(database, "select count(*) from pg_subscription where subenabled and subdbid = "
                        + "(select oid from pg_database where datname = current_database())")).isEqualTo(1);
                // The fallback prepared before the window is gone again.
                assertThat(target.queryForLong(database, "select count(*) from pg_publication")).isZero();
                assertThat(source.queryForLong(database, "select count(*) from pg_subscription")).isZero();
            }
            assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = '" + FALLBACK_LOGIN
                    + "'")).as("the login the cutover created").isZero();
            awaitWritesOn(source);
        } finally {
            Files.delete(tamper);
        }
        target.execute(SampleCatalog.ROSEMETA, "update app_setting set value = 'value 9' where id = 9");
    }

    @Test
    @Order(6)
    void aWindowThatReachesItsHardLimitAbortsByItselfNamingThePhaseAndReleasesTheSource() throws Exception {
        Files.writeString(slow, "on");
        try {
            var started = System.nanoTime();
            var outcome = cutover(new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                    DATABASES, app.name(), app.secretRef(), null, MIGRATION, 2, fallbackLogin(), accepted()));
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverFailed.class);
            var failed = (CutoverFailed) outcome;
            assertThat(failed.phase()).isEqualTo("STOP_WRITES");
            assertThat(failed.reason()).contains("reached its limit of 2000 ms").contains("STOP_WRITES");
            assertThat(failed.sourceReleased()).isTrue();
            assertThat(failed.switched()).isFalse();
            // The 5 s hook was cut at the limit, not waited for (cutover.hook-timeout is 60 s).
            assertThat(tookMs).isLessThan(4_800 + 3_000);
            assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
            assertThat(ServerAccess.of(source)).isEqualTo(sourceAccess);
            assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
            awaitWritesOn(source);
        } finally {
            Files.delete(slow);
        }
        var refused = cutover(new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, app.name(), app.secretRef(), null, MIGRATION, 0));
        assertThat(((CutoverFailed) refused).reason()).contains("maxWriteDowntimeSeconds must be 1-3600");
    }

    @Test
    @Order(7)
    void aServiceStoppedInsideTheWindowReleasesTheSourceExactlyWhenItStartsAgain() throws Exception {
        // What an instance that crashed right after fencing leaves: the run open, the state recorded, the fence up.
        var start = start(MIGRATION);
        cutover.getBean(io.catalogmigration.common.ledger.RunLedger.class).admit(start, CutoverHandler.KIND,
                io.catalogmigration.common.kafka.MessageJson.mapper().writerFor(CutoverCommand.class).writeValueAsString(start));
        cutover.getBean(CutoverStore.class).fencing(MIGRATION, start.commandId(), DATABASES, Instant.now());
        cutover.getBean(WriteFence.class).fence(MIGRATION, CutoverStore.SOURCE, sourceAdmin(), DATABASES,
                List.of("migration_rosemeta", "migration_lineage"), List.of());
        assertThat(ServerAccess.canLogIn(source, app.name())).isFalse();
        ServiceRunner.stop(cutover);

        cutover = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(), cutoverSettings);

        var outcome = events.awaitOutcome(start.commandId(), TIMEOUT);
        assertThat(outcome).as(outcome.toString()).isInstanceOfSatisfying(CutoverFailed.class, f -> {
            assertThat(f.sourceReleased()).isTrue();
            assertThat(f.switched()).isFalse();
            assertThat(f.reason()).contains("stopped in the middle of the cutover");
        });
        assertThat(ServerAccess.of(source)).isEqualTo(sourceAccess);
        awaitWritesOn(source);
    }

    @Test
    @Order(8)
    void theCutoverFencesEveryWriterAndSwitchesTheApplicationToAnIdenticalTargetWithSecondsOfDowntime() throws Exception {
        long sourceWritesBefore = writer.writesOn(server(source));
        StartCutover command = start(MIGRATION);
        CutoverCompleted done;
        try (var intruder = new Intruder(source, SampleCatalog.ROSEMETA, "insert into metrics_event (\"timestamp\", name, value) "
                + "values (now(), 'intruder', 1)", List.of(batch, app))) {
            Awaitility.await().atMost(TIMEOUT).until(() -> intruder.writes() > 5);
            var outcome = cutover(command);
            assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverCompleted.class);
            done = (CutoverCompleted) outcome;
            assertThat(intruder.refusals()).anyMatch(r -> r.contains("not permitted to log in"));
        }

        // Not one write of the application, nor of the writer trying every way back in, landed after the fence.
        assertThat(done.fenceLsn()).isNotBlank();
        assertThat(source.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from write_probe")).isPositive();
        assertThat(source.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from write_probe where at_lsn > '"
                + done.fenceLsn() + "'")).isZero();
        // Every login that could write is fenced: the test's two and the runbook's own (alation, alation_db_user, ...).
        List<String> logins = new java.util.ArrayList<>(SampleCatalog.loginRoles());
        logins.addAll(List.of(app.name(), batch.name()));
        assertThat(done.fencedRoles()).containsExactlyInAnyOrderElementsOf(logins);
        assertThat(ServerAccess.canLogIn(source, app.name())).isFalse();

        assertThat(done.writeDowntimeMillis()).isLessThan(10_000);
        assertThat(done.tables()).isNotEmpty().allSatisfy(t -> assertThat(t.equal()).isTrue());
        assertThat(done.tables().stream().mapToLong(t -> t.rowsVerifiedOnline()).sum()).isPositive();
        // The application wrote up to the fence: its last rows were re-checked inside the window, and only those.
        assertThat(done.tables()).filteredOn(t -> t.table().equals("public.metrics_event")).singleElement()
                .satisfies(t -> assertThat(t.rowsVerifiedInWindow()).isPositive().isLessThan(t.rowsVerifiedOnline()));
        for (String database : DATABASES) {
            assertThat(target.queryForLong(database, "select count(*) from pg_namespace where nspname = 'migration_verify'"))
                    .as("verification leaves nothing on the target").isZero();
        }
        assertThat(done.phases()).extracting(p -> p.phase()).containsExactly("PREFLIGHT", "STOP_WRITES", "WAIT_FOR_TARGET",
                "COPY_SEQUENCES", "COPY_UNREPLICATED", "VERIFY", "FALLBACK", "DROP_SUBSCRIPTIONS", "SWITCH", "START_APPLICATION",
                "CONFIRM_APPLICATION");
        assertThat(done.sequencesCopied()).isPositive();
        assertThat(writer.writesOn(server(source))).isGreaterThan(sourceWritesBefore);

        // The switch took: the application works on the target and has no session left on the source.
        assertThat(done.application().confirmed()).as(done.notes().toString()).isTrue();
        assertThat(done.application().onTarget()).isPositive();
        assertThat(done.application().onSource()).isZero();
        assertThat(done.fallback()).extracting(f -> f.database()).containsExactlyElementsOf(DATABASES);
        assertThat(done.fallback()).allSatisfy(f -> {
            assertThat(f.streaming()).as(f.detail()).isTrue();
            assertThat(f.lagBytes()).isNotNull();
        });

        awaitWritesOn(target);
        assertThat(writer.longestGap()).isLessThan(Duration.ofSeconds(10));
        assertThat(Files.readString(settingsFile)).contains("rosemeta.port=" + target.port()).contains("rosemeta.password-ref=")
                .doesNotContain(target.password()).doesNotContain(target.adminPassword());
        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isTrue();
        for (String database : DATABASES) {
            assertThat(target.queryForLong(database, "select count(*) from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())")).isZero();
            assertThat(source.queryForLong(database, "select count(*) from pg_replication_slots where database = current_database()"))
                    .isZero();
            var onSource = sequences(source, database);
            var onTarget = sequences(target, database);
            onSource.forEach((sequence, value) -> assertThat(onTarget.get(sequence)).as(sequence).isGreaterThanOrEqualTo(value));
        }
        // What the application writes on the target reaches the source: the fallback streams.
        long written = target.queryForLong(SampleCatalog.ROSEMETA, "select max(id) from metrics_event");
        Awaitility.await("the target's rows on the source").atMost(TIMEOUT).until(() ->
                count(source, "metrics_event where id <= " + written) == count(target, "metrics_event where id <= " + written));
        events.assertNoRecordContains(source.password());
        events.assertNoRecordContains(target.password());
        events.assertNoRecordContains(target.adminPassword());
        events.assertNoRecordContains(app.password());
        events.assertNoRecordContains(Files.readString(Path.of(fallbackSecretRef.substring("file:".length()))));
    }

    @Test
    @Order(9)
    void afterTheCutoverTheApplicationsRolesOwnUseAndGrantOnTheTargetWhatTheyDidOnTheSourceAndOnlyTheFileFdwStayedBehind()
            throws Exception {
        String rosemeta = SampleCatalog.ROSEMETA;
        // Every object outside the system: its kind, name, owner and privileges, as PostgreSQL prints them.
        String objects = """
                select 'relation ' || n.nspname || '.' || c.relname || ' owner=' || pg_get_userbyid(c.relowner) || ' acl=' || coalesce(c.relacl::text, '-')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'alation_ext') and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                  and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
                union all
                select 'function ' || p.pronamespace::regnamespace || '.' || p.proname || ' owner=' || pg_get_userbyid(p.proowner) || ' acl=' || coalesce(p.proacl::text, '-')
                from pg_proc p where p.pronamespace in ('public'::regnamespace, 'alation_ext'::regnamespace)
                  and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
                union all
                select 'schema ' || nspname || ' owner=' || pg_get_userbyid(nspowner) || ' acl=' || coalesce(nspacl::text, '-')
                from pg_namespace where nspname in ('public', 'alation_ext')
                union all
                select 'default acl ' || pg_get_userbyid(defaclrole) || ' ' || defaclobjtype::text || ' ' || defaclacl::text from pg_default_acl
                union all
                select 'database owner=' || pg_get_userbyid(datdba) from pg_database where datname = current_database()
                union all
                select 'setting ' || coalesce(pg_get_userbyid(nullif(setrole, 0)), '-') || ' '
                       || array_to_string(array(select c from unnest(setconfig) c where c not like 'default_transaction_read_only=%'), ',')
                from pg_db_role_setting where setdatabase = (select oid from pg_database where datname = current_database())
                union all
                select 'extension ' || extname from pg_extension
                union all
                select 'member ' || pg_get_userbyid(roleid) || ' ' || pg_get_userbyid(member) from pg_auth_members
                where pg_get_userbyid(member) in ('alation', 'alation_db_user', 'alation_db', 'datadog')
                order by 1""";
        var onSource = lines(source, rosemeta, objects);
        // 17 gives a table's owner MAINTAIN (m) too, a privilege 13 does not have
        var onTarget = lines(target, rosemeta, objects).stream().map(l -> l.replace("arwdDxtm/", "arwdDxt/")).toList();
        String foreign = "public." + SampleCatalog.FOREIGN_TABLE;
        assertThat(onSource).anyMatch(l -> l.startsWith("relation " + foreign + " "))
                .contains("extension file_fdw", "member pg_monitor datadog", "database owner=" + SampleCatalog.APPLICATION_ROLE)
                .anyMatch(l -> l.startsWith("relation public.rosemeta_table owner=alation acl={") && l.contains("alation_db=r/alation"))
                .anyMatch(l -> l.startsWith("setting alation statement_timeout=1h"));
        assertThat(onTarget).containsExactlyInAnyOrderElementsOf(onSource.stream()
                .filter(l -> !l.startsWith("relation " + foreign + " ") && !l.equals("extension file_fdw"))
                .filter(l -> !l.startsWith("relation public.write_probe ") && !l.startsWith("function public.probe_write "))
                .toList());
        assertThat(target.queryForLong(rosemeta, "select count(*) from pg_foreign_server")).isZero();
        assertThat(replicationStarted.get(rosemeta).notes())
                .anyMatch(n -> n.contains("extension file_fdw is not available on the target"))
                .anyMatch(n -> n.contains("SERVER " + SampleCatalog.FOREIGN_SERVER))
                .anyMatch(n -> n.contains("FOREIGN TABLE " + SampleCatalog.FOREIGN_TABLE));

        // The application's roles log in on the target with their own passwords and do what they did on the source.
        try (var owner = login(target, rosemeta, SampleCatalog.APPLICATION_ROLE); var st = owner.createStatement()) {
            st.execute("insert into alation_ext.setting values ('migrated', 'yes')");
            try (var rs = st.executeQuery("select rosemeta_tag(tags, 'tier') from rosemeta_table where related_ids @@ '7'::query_int limit 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
        try (var reader = login(target, rosemeta, "alation_db"); var st = reader.createStatement()) {
            try (var rs = st.executeQuery("select count(*) from alation_ext.setting")) {
                assertThat(rs.next()).isTrue();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.execute("delete from rosemeta_table"))
                    .hasMessageContaining("permission denied");
        }
        try (var writer = login(target, rosemeta, "alation_db_user"); var st = writer.createStatement()) {
            st.execute("insert into rosemeta_table (name, ds_id, ts_created) values ('after the cutover', 1, now())");
        }
        try (var monitor = login(target, "postgres", "datadog"); var st = monitor.createStatement();
             var rs = st.executeQuery("select count(*) from pg_stat_activity where query <> ''")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    @Order(10)
    void aRollbackAfterWritesOnTheTargetLosesNoneOfThem() throws Exception {
        Awaitility.await("the fallback streams").atMost(TIMEOUT).until(() ->
                cutover(new CheckFallback(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES))
                        instanceof FallbackReported r && r.fallback().size() == 2
                        && r.fallback().stream().allMatch(f -> f.streaming() && f.lagBytes() != null));
        // 500 rows written on the target after the switch, as the application, next to its steady writes.
        try (var c = java.sql.DriverManager.getConnection(target.jdbcUrl(SampleCatalog.ROSEMETA), app.name(), app.password())) {
            c.createStatement().execute("insert into app_setting select g, 'written on the target ' || g "
                    + "from generate_series(1001, 1500) g");
        }
        long sourceWritesBefore = writer.writesOn(server(source));

        var outcome = cutover(new RollBackCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverRolledBack.class);
        var back = (CutoverRolledBack) outcome;
        assertThat(back.targetLsn()).isNotBlank();
        assertThat(back.writeDowntimeMillis()).isPositive().isLessThan(10_000);
        assertThat(back.phases()).extracting(p -> p.phase()).containsExactly("STOP_WRITES", "WAIT_FOR_SOURCE",
                "COPY_SEQUENCES", "DROP_FALLBACK", "SWITCH_BACK", "RELEASE_SOURCE", "START_APPLICATION");
        // Every one of the 500, and every row the application wrote on the target, is on the source.
        assertThat(count(source, "app_setting where id between 1001 and 1500 and value like 'written on the target %'"))
                .isEqualTo(500);
        for (String table : List.of("metrics_event", "app_setting")) {
            long last = target.queryForLong(SampleCatalog.ROSEMETA, "select coalesce(max(id), 0) from " + table);
            assertThat(hash(source, SampleCatalog.ROSEMETA, table, last)).as(table)
                    .isEqualTo(hash(target, SampleCatalog.ROSEMETA, table, last));
        }
        // The application counts up in metrics_metric, on the source again by now: no count is below the target's.
        var countsOnSource = values(source, "select id, value from metrics_metric");
        values(target, "select id, value from metrics_metric").forEach((id, value) ->
                assertThat(countsOnSource.get(id)).as("metrics_metric " + id).isGreaterThanOrEqualTo(value));
        for (String database : DATABASES) {
            var onSource = sequences(source, database);
            sequences(target, database).forEach((sequence, value) ->
                    assertThat(onSource.get(sequence)).as(sequence).isGreaterThanOrEqualTo(value));
        }
        assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
        assertThat(ServerAccess.of(source)).as("the source's roles and settings as before the cutover")
                .isEqualTo(sourceAccess);
        assertThat(readOnly(target, SampleCatalog.ROSEMETA)).isTrue();
        assertThat(ServerAccess.canLogIn(target, app.name())).isFalse();
        Awaitility.await().atMost(TIMEOUT).until(() -> writer.writesOn(server(source)) > sourceWritesBefore + 5);
        // Nothing of the fallback is left.
        for (String database : DATABASES) {
            assertThat(source.queryForLong(database, "select count(*) from pg_subscription")).isZero();
            assertThat(target.queryForLong(database, "select count(*) from pg_publication")).isZero();
        }
        assertThat(target.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = '" + FALLBACK_LOGIN + "'"))
                .isZero();

        var again = cutover(new RollBackCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));
        assertThat(again).isInstanceOf(CutoverFailed.class);
        assertThat(((CutoverFailed) again).reason()).contains("nothing to roll back");
    }

    @Test
    @Order(11)
    void aResetReleasesTheTargetAndHasTheReplicatorDropEveryTargetDatabaseForAFreshAttempt() {
        var outcome = cutover(new ResetCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverReset.class);
        var reset = (CutoverReset) outcome;
        assertThat(reset.replicationResets()).hasSize(2);
        List<String> rolesDropped = new java.util.ArrayList<>();
        List<String> rolesKept = new java.util.ArrayList<>();
        for (UUID replicatorRun : reset.replicationResets()) {
            assertThat(events.awaitOutcome(replicatorRun, TIMEOUT))
                    .isInstanceOfSatisfying(ReplicationReset.class, r -> {
                        assertThat(r.databaseDropped()).isTrue();
                        rolesDropped.addAll(r.rolesDropped());
                        rolesKept.addAll(r.rolesKept());
                    });
        }
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname in ('rosemeta', 'lineage')"))
                .isZero();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
        // The application's role is not left fenced on the target: START created it, so the replicator's reset dropped
        // it once it owned nothing, and the next replication creates it again with its password.
        assertThat(rolesDropped).as("kept: " + rolesKept).contains(app.name());
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = '" + app.name() + "'"))
                .isZero();
        source.execute(SampleCatalog.ROSEMETA, "drop table write_probe", "drop function probe_write() cascade");
    }

    @Test
    @Order(12)
    void aSwitchWhoseApplicationDoesNotComeUpOnTheTargetCompletesWithAPlainWarning() throws Exception {
        writer.close();
        replicateAndCatchUp();

        var outcome = cutover(start(MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverCompleted.class);
        var done = (CutoverCompleted) outcome;
        assertThat(done.application().confirmed()).isFalse();
        assertThat(done.application().onTarget()).isZero();
        assertThat(done.application().waitedMillis()).isGreaterThanOrEqualTo(5_000);
        assertThat(done.notes().get(0)).startsWith("WARNING: the switch is not confirmed").contains("0 session(s) on the target");
    }

    @Test
    @Order(13)
    void finishingTheCutoverDropsTheReplicationBackAndLeavesTheSourceFenced() {
        // the replication role PrepareSource creates on the source (cutover.replication-role's default)
        source.execute("postgres", "create role replicator login replication password 'Old-Replication-Pw'");
        assertThat(logsIn(source, "replicator", "Old-Replication-Pw")).isTrue();

        var outcome = cutover(new FinishCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverFinished.class);
        assertThat(((CutoverFinished) outcome).notes()).anySatisfy(note -> assertThat(note)
                .startsWith("replication role replicator on the source: rotated"));
        assertThat(logsIn(source, "replicator", "Old-Replication-Pw")).as("the old password no longer logs in").isFalse();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_authid where rolname = 'replicator' "
                + "and rolpassword like 'SCRAM-SHA-256$%'")).as("a SCRAM verifier, computed client-side").isEqualTo(1);
        assertThat(events.records()).noneMatch(r -> r.value().contains("Old-Replication-Pw"));
        assertThat(((CutoverFinished) outcome).dropped()).hasSize(2 * 3 + 1);
        for (String database : DATABASES) {
            assertThat(source.queryForLong(database, "select count(*) from pg_subscription")).isZero();
            assertThat(target.queryForLong(database, "select count(*) from pg_publication")).isZero();
        }
        assertThat(target.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = '" + FALLBACK_LOGIN + "'"))
                .isZero();
        assertThat(ServerAccess.canLogIn(source, app.name())).isFalse();

        var rollBack = cutover(new RollBackCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));
        assertThat(((CutoverFailed) rollBack).reason()).contains("was finished");
        var reset = cutover(new ResetCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));
        assertThat(((CutoverFailed) reset).reason()).contains("was finished");
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname in ('rosemeta', 'lineage')"))
                .isEqualTo(2);
    }

    @Test
    @Order(14)
    void theReplicationRoleIsRotatedDroppedOrKeptAsConfiguredAndAnAdministratorIsNeverTouched() throws Exception {
        var retirement = new ReplicationRoleRetirement(cutover.getBean(io.catalogmigration.common.pg.PgConnector.class));
        source.execute("postgres", "create role retiring login replication password 'Retiring-Pw'", "create role kept_role login "
                + "replication password 'Kept-Pw'");
        // the finished cutover left the source read-only: the test's own session lifts that for its grant
        source.execute(SampleCatalog.ROSEMETA, "set default_transaction_read_only = off",
                "grant select on all tables in schema public to retiring");

        assertThat(retirement.retire(sourceAdmin(), DATABASES, "retiring", "DROP"))
                .isEqualTo("replication role retiring on the source: dropped");
        assertThat(source.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'retiring'")).isZero();

        source.execute("postgres", "create role rotating login replication password 'Rotating-Pw'");
        assertThat(retirement.retire(sourceAdmin(), DATABASES, "rotating", "ROTATE"))
                .startsWith("replication role rotating on the source: rotated");
        assertThat(logsIn(source, "rotating", "Rotating-Pw")).as("the old password no longer logs in").isFalse();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_authid where rolname = 'rotating' "
                + "and rolpassword like 'SCRAM-SHA-256$%'")).as("a SCRAM verifier, computed client-side").isEqualTo(1);
        source.execute("postgres", "drop role rotating");

        assertThat(retirement.retire(sourceAdmin(), DATABASES, "kept_role", "KEEP")).contains("kept as it was");
        assertThat(logsIn(source, "kept_role", "Kept-Pw")).isTrue();

        assertThat(retirement.retire(sourceAdmin(), DATABASES, sourceAdmin().user(), "ROTATE")).contains("kept: it is a superuser");
        assertThat(retirement.retire(sourceAdmin(), DATABASES, "no_such_role", "ROTATE")).contains("not found");
        source.execute("postgres", "drop role kept_role");
    }

    private static boolean logsIn(PostgresCluster server, String user, String password) {
        var props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port()
                + "/postgres", props)) {
            return c.isValid(5);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** Replicates both databases (the application's roles created on the target with their passwords) until ready. */
    private void replicateAndCatchUp() {
        Map<String, String> rolePasswords = new java.util.HashMap<>(Map.of(app.name(), app.secretRef(), batch.name(),
                batch.secretRef()));
        SampleCatalog.loginRoles().forEach(role -> rolePasswords.put(role, SampleCatalog.roleSecretRef(source, role)));
        for (String database : DATABASES) {
            var started = replicate(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                    targetAdmin(), source.endpoint(database), rolePasswords));
            assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
            replicationStarted.put(database, (ReplicationStarted) started);
        }
        for (String database : DATABASES) {
            Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                var status = replicate(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                        targetAdmin()));
                return status instanceof ReplicationStatusReported s && s.answer().equals(ReplicationStatusReported.STOP_WAITING)
                        && s.indexesCreated() == s.indexesTotal() && s.postDataDone() == s.postDataTotal();
            });
        }
    }

    /** The application's cutover, replicating back as {@link #FALLBACK_LOGIN}. */
    private static List<String> lines(PostgresCluster cluster, String database, String sql) throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) lines.add(rs.getString(1));
        }
        return lines;
    }

    /** A session of one of the application's roles, with the password the source has for it. */
    private java.sql.Connection login(PostgresCluster cluster, String database, String role) throws Exception {
        return java.sql.DriverManager.getConnection(cluster.jdbcUrl(database), role, SampleCatalog.rolePassword(source, role));
    }

    private StartCutover start(String confirm) {
        return new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES,
                app.name(), app.secretRef(), null, confirm, null, fallbackLogin(), accepted());
    }

    /** A preflight as the runbook sends it: the application's login, what RDS cannot have accepted as lost. */
    private RunPreflight preflight() {
        return new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES,
                app.name(), app.secretRef(), accepted(), fallbackLogin());
    }

    /** What RDS cannot have, and the test's own write probe (made on the source after replication started). */
    private static List<String> accepted() {
        List<String> accepted = new java.util.ArrayList<>(SampleCatalog.LEFT_BEHIND_ON_RDS);
        accepted.addAll(PROBE);
        return accepted;
    }

    private PgEndpoint fallbackLogin() {
        return new PgEndpoint(target.host(), target.port(), "postgres", FALLBACK_LOGIN, "disable", fallbackSecretRef);
    }

    private OutcomeEvent cutover(CutoverCommand command) {
        commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private OutcomeEvent replicate(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private PgEndpoint sourceAdmin() {
        return source.endpoint("postgres");
    }

    private PgEndpoint targetAdmin() {
        return target.endpoint("postgres");
    }

    private String server(PostgresCluster cluster) {
        return cluster.host() + ":" + cluster.port();
    }

    private void awaitWritesOn(PostgresCluster cluster) {
        long before = writer.writesOn(server(cluster));
        Awaitility.await("the application writes on " + cluster).atMost(TIMEOUT)
                .until(() -> writer.writesOn(server(cluster)) > before + 5);
    }

    private static long count(PostgresCluster cluster, String from) {
        return cluster.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from " + from);
    }

    /** The rows up to an id, hashed in id order. */
    private static String hash(PostgresCluster cluster, String database, String table, long upTo) throws Exception {
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery("select md5(coalesce(string_agg("
                + "t::text, '|' order by id), '')) from " + table + " t where id <= " + upTo)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, Long> values(PostgresCluster cluster, String sql) throws Exception {
        Map<String, Long> values = new java.util.HashMap<>();
        try (var c = cluster.connect(SampleCatalog.ROSEMETA); var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) values.put(rs.getString(1), rs.getLong(2));
        }
        return values;
    }

    private Map<String, Long> sequences(PostgresCluster cluster, String database) throws Exception {
        Map<String, Long> values = new java.util.HashMap<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                "select schemaname || '.' || sequencename, last_value from pg_sequences where last_value is not null")) {
            while (rs.next()) values.put(rs.getString(1), rs.getLong(2));
        }
        return values;
    }

    /** What a new session of the application gets. */
    private boolean readOnly(PostgresCluster cluster, String database) throws Exception {
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery("show default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }
}
