package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.RollBackCutover;
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
 * real broker, and an application writer that follows the settings file the cutover switches. The scenarios run in
 * order on the same migration: a preflight before replication, bad input, an abort inside the downtime window, the
 * cutover itself, and a rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-cutover";
    static final List<String> DATABASES = List.of(SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE);

    static PostgresCluster source;
    static PostgresCluster target;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;
    static ConfigurableApplicationContext replicator;
    static ConfigurableApplicationContext cutover;
    static Path settingsFile;
    static String settingsBefore;
    static SwitchingWriter writer;
    /** While this file exists, the stop-writes hook changes a row on the target: a difference born inside the window. */
    static Path tamper;

    @BeforeAll
    static void startRealParts() throws Exception {
        source = PostgresCluster.builder("cutover-source").logical().fast().start();
        target = PostgresCluster.builder("cutover-target").fast().start();
        SampleCatalog.generate(source, SampleSize.tiny());
        source.execute(SampleCatalog.ROSEMETA,
                "create table app_setting (id int primary key, value text)",
                "insert into app_setting select g, 'value ' || g from generate_series(1, 100) g");
        settingsFile = Files.createTempDirectory("cutover-test").resolve("application-db.properties");
        SwitchingWriter.writeSettings(settingsFile, SampleCatalog.ROSEMETA, source.host(), source.port(), source.superuser(),
                source.secretRef());
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
        Path hook = settingsFile.resolveSibling("stop-writes.sh");
        Files.writeString(hook, "#!/bin/sh\n[ -f '" + tamper + "' ] || exit 0\n"
                + "PGPASSWORD='" + target.password() + "' psql -h " + target.host() + " -p " + target.port() + " -U "
                + target.superuser() + " -d " + SampleCatalog.ROSEMETA
                + " -c \"update app_setting set value = 'changed in the window' where id = 9\"\n");
        hook.toFile().setExecutable(true);
        cutover = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(),
                Map.of("cutover.switcher.file", settingsFile.toString(), "cutover.stop-writes-command", hook.toString()));
        writer = new SwitchingWriter(settingsFile, SampleCatalog.ROSEMETA);
    }

    @AfterAll
    static void stopRealParts() throws Exception {
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
        for (String database : DATABASES) {
            var started = replicate(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                    targetAdmin(), source.endpoint(database), Map.of()));
            assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
        }
        for (String database : DATABASES) {
            Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                var status = replicate(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                        targetAdmin()));
                return status instanceof ReplicationStatusReported s && s.answer().equals(ReplicationStatusReported.STOP_WAITING)
                        && s.indexesCreated() == s.indexesTotal() && s.postDataDone() == s.postDataTotal();
            });
        }

        var outcome = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(PreflightPassed.class);
        var checks = ((PreflightPassed) outcome).checks();
        assertThat(checks).extracting(CutoverCheck::check).contains("subscription", "tables-ready", "lag", "indexes",
                "constraints", "sequences", "verification", "switcher", "hooks");
        assertThat(checks).filteredOn(c -> "verification".equals(c.check())).hasSize(2)
                .allSatisfy(c -> assertThat(c.detail()).contains("rows verified online"));
        assertThat(checks).noneMatch(CutoverCheck::failed);
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
        var mended = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES));
        assertThat(mended).as(mended.toString()).isInstanceOf(PreflightPassed.class);
    }

    @Test
    @Order(5)
    void aDifferenceBornInsideTheWindowAbortsNamingTableAndKeyAndReleasesTheSource() throws Exception {
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
            assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
            assertThat(target.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())")).isEqualTo(1);
            awaitWritesOn(source);
        } finally {
            Files.delete(tamper);
        }
        target.execute(SampleCatalog.ROSEMETA, "update app_setting set value = 'value 9' where id = 9");
    }

    @Test
    @Order(6)
    void theCutoverSwitchesTheApplicationToAnIdenticalTargetWithSecondsOfDowntime() throws Exception {
        long sourceWritesBefore = writer.writesOn(server(source));

        var outcome = cutover(start(MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverCompleted.class);
        var done = (CutoverCompleted) outcome;
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
                "COPY_SEQUENCES", "VERIFY", "DROP_SUBSCRIPTIONS", "SWITCH", "START_APPLICATION");
        assertThat(done.sequencesCopied()).isPositive();
        assertThat(writer.writesOn(server(source))).isGreaterThan(sourceWritesBefore);

        awaitWritesOn(target);
        assertThat(writer.longestGap()).isLessThan(Duration.ofSeconds(10));
        assertThat(Files.readString(settingsFile)).contains("rosemeta.port=" + target.port()).contains("rosemeta.password-ref=")
                .doesNotContain(target.password());
        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isTrue();
        for (String database : DATABASES) {
            assertThat(target.queryForLong(database, "select count(*) from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())")).isZero();
            assertThat(source.queryForLong(database, "select count(*) from pg_replication_slots where database = current_database()"))
                    .isZero();
            var onSource = sequences(source, database);
            var onTarget = sequences(target, database);
            onSource.forEach((sequence, value) -> assertThat(onTarget.get(sequence)).as(sequence).isGreaterThanOrEqualTo(value));
        }
        // The source's highest ids are below the target's sequences: the application's inserts there succeeded.
        assertThat(target.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from metrics_event where id <= "
                + source.queryForLong(SampleCatalog.ROSEMETA, "select max(id) from metrics_event") + " and name = 'application'"))
                .isEqualTo(source.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from metrics_event where name = 'application'"));
        events.assertNoRecordContains(source.password());
        events.assertNoRecordContains(target.password());
    }

    @Test
    @Order(7)
    void aRollbackPutsTheApplicationBackOnTheSourceAndFencesTheTarget() throws Exception {
        var outcome = cutover(new RollBackCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverRolledBack.class);
        assertThat(Files.readString(settingsFile)).isEqualTo(settingsBefore);
        assertThat(readOnly(source, SampleCatalog.ROSEMETA)).isFalse();
        assertThat(readOnly(target, SampleCatalog.ROSEMETA)).isTrue();
        long onSource = writer.writesOn(server(source));
        Awaitility.await().atMost(TIMEOUT).until(() -> writer.writesOn(server(source)) > onSource + 5);

        var again = cutover(new RollBackCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(),
                DATABASES, MIGRATION));
        assertThat(again).isInstanceOf(CutoverFailed.class);
        assertThat(((CutoverFailed) again).reason()).contains("nothing to roll back");
    }

    @Test
    @Order(8)
    void aResetHasTheReplicatorDropEveryTargetDatabaseForAFreshAttempt() {
        var outcome = cutover(new io.catalogmigration.common.contract.ResetCutover(UUID.randomUUID(), MIGRATION, Instant.now(),
                sourceAdmin(), targetAdmin(), DATABASES, MIGRATION));

        assertThat(outcome).as(outcome.toString()).isInstanceOf(io.catalogmigration.common.contract.CutoverReset.class);
        var reset = (io.catalogmigration.common.contract.CutoverReset) outcome;
        assertThat(reset.replicationResets()).hasSize(2);
        for (UUID replicatorRun : reset.replicationResets()) {
            assertThat(events.awaitOutcome(replicatorRun, TIMEOUT))
                    .isInstanceOfSatisfying(io.catalogmigration.common.contract.ReplicationReset.class,
                            r -> assertThat(r.databaseDropped()).isTrue());
        }
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname in ('rosemeta', 'lineage')"))
                .isZero();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
    }

    private static StartCutover start(String confirm) {
        return new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), sourceAdmin(), targetAdmin(), DATABASES,
                target.superuser(), target.secretRef(), null, confirm);
    }

    private static OutcomeEvent cutover(CutoverCommand command) {
        commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private static OutcomeEvent replicate(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private static io.catalogmigration.common.contract.PgEndpoint sourceAdmin() {
        return source.endpoint("postgres");
    }

    private static io.catalogmigration.common.contract.PgEndpoint targetAdmin() {
        return target.endpoint("postgres");
    }

    private static String server(PostgresCluster cluster) {
        return cluster.host() + ":" + cluster.port();
    }

    private static void awaitWritesOn(PostgresCluster cluster) {
        long before = writer.writesOn(server(cluster));
        Awaitility.await("the application writes on " + cluster).atMost(TIMEOUT)
                .until(() -> writer.writesOn(server(cluster)) > before + 5);
    }

    private static Map<String, Long> sequences(PostgresCluster cluster, String database) throws Exception {
        Map<String, Long> values = new java.util.HashMap<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                "select schemaname || '.' || sequencename, last_value from pg_sequences where last_value is not null")) {
            while (rs.next()) values.put(rs.getString(1), rs.getLong(2));
        }
        return values;
    }

    /** What a new session of the application gets. */
    private static boolean readOnly(PostgresCluster cluster, String database) throws Exception {
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery("show default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }
}
