package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourceBackedUp;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replicator's guards against the worst mistakes and the runbook's first safety step, on the runbook's servers (a
 * PostgreSQL 13 source, a 17 target whose administrator is not a superuser): a START or RESET pointed at the source is
 * refused before anything changes, by the system identifier or, where that cannot be read, by the migration's
 * publication; a RESET needs the migration id again; a command from two hours ago is refused; BackUpSource takes a base
 * backup that verifies and starts as a server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatorGuardsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-guards";
    static final String DB = "catalog";

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext service;
    Path backups;

    @BeforeAll
    void startRealParts() throws Exception {
        source = PostgresCluster.builder("guards-source").version(13).logical().fast().start();
        target = PostgresCluster.builder("guards-target").version(17).rdsShaped().fast().start();
        source.createDatabase(DB);
        source.execute(DB, "create table item (id int primary key, label text)",
                "insert into item select g, 'item ' || g from generate_series(1, 1000) g");
        backups = Files.createTempDirectory("replicator-backups");
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers());
        commands = new CommandSender(kafka.bootstrapServers());
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(),
                Map.of("replicator.backup.directory", backups.toString()));
    }

    @AfterAll
    void stopRealParts() throws Exception {
        ServiceRunner.stop(service);
        if (commands != null) commands.close();
        if (events != null) events.close();
        if (kafka != null) kafka.close();
        if (target != null) target.close();
        if (source != null) source.close();
        if (backups != null) {
            try (var files = Files.walk(backups)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aStartWhoseTargetIsTheSourceIsRefusedBeforeAnythingIsEmptiedOrCreated() {
        var outcome = send(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                source.endpoint("postgres"), source.endpoint(DB), Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("refused to replicate " + DB + " into it", "is the source server itself",
                    "system identifier", "nothing was changed");
            assertThat(failed.action()).contains("target endpoint");
        });
        assertThat(source.queryForLong(DB, "select count(*) from item")).isEqualTo(1000);
        assertThat(source.queryForLong(DB, "select count(*) from pg_publication")).isZero();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isZero();
    }

    @Test
    void aResetWhoseTargetIsTheSourceIsRefusedAndDropsNothing() {
        var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                source.endpoint("postgres"), MIGRATION));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class,
                failed -> assertThat(failed.reason()).contains("refused to drop database " + DB, "is the source server itself"));
        assertThat(source.queryForLong(DB, "select count(*) from item")).isEqualTo(1000);
    }

    /** RDS's master user is no superuser: pg_control_system() is open to every role, as this stand-in shows on 17. */
    @Test
    void theNonSuperuserAdministratorOfAnRdsShapedServerReadsTheSystemIdentifier() {
        target.createDatabase("lookalike");

        var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), target.endpoint("lookalike"),
                target.endpoint("postgres"), MIGRATION));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class,
                failed -> assertThat(failed.reason()).contains("is the source server itself", "system identifier"));
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'lookalike'")).isOne();
    }

    @Test
    void whereNoIdentifierCanBeReadTheMigrationsPublicationGivesTheSourceAway() {
        target.createDatabase("published");
        target.execute("published", "create table t (id int primary key)", "create publication migration_published for table t",
                "revoke execute on function pg_control_system() from public");
        try {
            var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), target.endpoint("published"),
                    target.endpoint("postgres"), MIGRATION));

            assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> assertThat(failed.reason())
                    .contains("its database published holds the migration's publication migration_published")
                    .doesNotContain("system identifier"));
            assertThat(target.queryForLong("published", "select count(*) from pg_publication")).isOne();
        } finally {
            target.execute("published", "grant execute on function pg_control_system() to public");
        }
    }

    @Test
    void aResetThatDoesNotRepeatTheMigrationIdIsRefused() {
        target.createDatabase("unconfirmed");

        var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("unconfirmed"),
                target.endpoint("postgres"), "yes"));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("confirm must repeat the migrationId (" + MIGRATION + ")", "'yes' does not");
            assertThat(failed.action()).contains("nothing was changed");
        });
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'unconfirmed'")).isOne();
    }

    @Test
    void aResetIssuedTwoHoursAgoIsRefusedAsTooOldAndDropsNothing() {
        target.createDatabase("replayed");

        var outcome = send(new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now().minus(Duration.ofHours(2)),
                source.endpoint("replayed"), target.endpoint("postgres"), MIGRATION));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("ResetReplication was issued at", "ago, more than migration.commands.max-age (1h 0m 0s)");
            assertThat(failed.action()).contains("send the command again now");
        });
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'replayed'")).isOne();
    }

    @Test
    void theBackupOfThe13SourceVerifiesAgainstItsManifestAndStartsAsAServerWithTheSameRows() throws Exception {
        var command = new BackUpSource(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint("postgres"));

        var outcome = send(command);

        assertThat(outcome).as(outcome.toString()).isInstanceOf(SourceBackedUp.class);
        var backup = (SourceBackedUp) outcome;
        assertThat(backup.method()).isEqualTo(SourceBackedUp.PG_BASEBACKUP);
        assertThat(backup.verified()).isTrue();
        // the installed client tools are 15: they check every file against the manifest, the 13 WAL by starting it below
        assertThat(backup.verification()).contains("backup successfully verified", "the WAL not parsed");
        Path location = Path.of(backup.location());
        assertThat(location).startsWith(backups).isDirectory();
        assertThat(location.resolve("backup_manifest")).isRegularFile();
        assertThat(Files.readString(location.resolve("backup_label"))).contains("LABEL: catalog-migration " + MIGRATION);
        assertThat(backup.bytes()).isPositive();
        assertThat(events.progress(MIGRATION)).anyMatch(p -> p instanceof io.catalogmigration.common.contract.ProgressReported r
                && r.runId().equals(command.commandId()) && "backing up".equals(r.phase()));
        assertThat(target.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from replicator.run where run_id = '"
                + command.commandId() + "' and details ->> 'location' = '" + location + "'")).isOne();
        // checked again here, by the installed pg_verifybackup: what the service said is what the files say
        var verify = new ProcessBuilder(source.binDirectory().resolve("pg_verifybackup").toString(), "--no-parse-wal",
                location.toString())
                .redirectErrorStream(true).start();
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(new String(verify.getInputStream().readAllBytes())).isZero();

        try (var restored = source.startFromBackup("guards-restored", location)) {
            assertThat(restored.majorVersion()).isEqualTo(13);
            assertThat(restored.queryForLong(DB, "select count(*) from item")).isEqualTo(1000);
            assertThat(restored.queryForLong(DB, "select sum(id) from item")).isEqualTo(500_500);
        }
    }

    private OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }
}
