package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook's last safety step (the first snapshot of the new target) and the provisioner's guard against a target
 * that is the source: the real AWS SDK against the RDS stub, the local provider against real PostgreSQL servers.
 */
class SnapshotAndGuardsTest extends ProvisionerTestBase {

    @Test
    void anRdsSnapshotOfTheMigrationsInstanceIsTakenTaggedAndWaitedForUntilAvailable() {
        String migration = newMigration();
        String id = "catalog-" + migration;
        send(awsTarget(migration, CATALOG_INSTANCE));
        int mark = parts.aws.calls().size();
        var command = new SnapshotTarget(UUID.randomUUID(), migration, Instant.now(), "aws", "us-east-1", id, null);

        TargetSnapshotTaken outcome = send(command);

        String name = id + "-cutover-" + command.commandId().toString().substring(0, 8);
        assertThat(outcome.provider()).isEqualTo("aws");
        assertThat(outcome.snapshotIdentifier()).isEqualTo(name);
        assertThat(outcome.snapshotArn()).isEqualTo(StubRds.arn("snapshot", name));
        var calls = parts.aws.callsSince(mark);
        var create = AwsProvisioningTest.only(calls, "CreateDBSnapshot");
        assertThat(create.params()).containsEntry("DBSnapshotIdentifier", name).containsEntry("DBInstanceIdentifier", id);
        assertThat(create.tags()).containsEntry("migration-id", migration).containsEntry("managed-by", "catalog-migration");
        assertThat(calls.subList(calls.indexOf(create), calls.size()).stream().filter(c -> c.action().equals("DescribeDBSnapshots")))
                .as("the SDK's waiter asks until the snapshot is available: creating, creating, available").hasSize(3);
        assertThat(parts.events.progress(migration)).map(ProgressReported.class::cast)
                .filteredOn(p -> p.runId().equals(command.commandId()) && p.phase().equals("waiting-for-snapshot"))
                // each answer of the waiter is reported (rate-limited, so not necessarily all three)
                .anyMatch(p -> p.message().startsWith("DB snapshot " + name + " is "));
        assertThat(ledgerRun(command.commandId())).isEqualTo(Map.of("state", "FINISHED", "status", "SUCCEEDED"));
    }

    @Test
    void anInstanceOfAnotherMigrationIsNotSnapshotted() {
        parts.aws.rds.seedInstance("someone-elses", Map.of("migration-id", "other"), Map.of());
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(new SnapshotTarget(UUID.randomUUID(), newMigration(), Instant.now(), "aws", "us-east-1",
                "someone-elses", null));

        assertThat(outcome.reason()).contains("DB instance someone-elses already exists and does not belong to migration");
        assertThat(parts.aws.callsSince(mark)).noneMatch(c -> c.action().equals("CreateDBSnapshot"));
    }

    @Test
    void aLocalSnapshotIsOnePgDumpPerDatabaseThatRestoresWithItsRows() throws Exception {
        try (var server = PostgresCluster.builder("prov-snap-target").fast().start()) {
            String migration = newMigration();
            send(new ProvisionTarget(UUID.randomUUID(), migration, Instant.now(), source(), "local", null, null, null, null,
                    null, null, null, server.endpoint("postgres")));
            server.execute("rosemeta", "create table item (id int primary key, label text)",
                    "insert into item select g, 'item ' || g from generate_series(1, 250) g");
            var command = new SnapshotTarget(UUID.randomUUID(), migration, Instant.now(), "local", null, null,
                    server.endpoint("postgres"));

            TargetSnapshotTaken outcome = send(command);

            assertThat(outcome.provider()).isEqualTo("local");
            assertThat(outcome.snapshotIdentifier()).isEqualTo(migration + "-cutover-" + command.commandId().toString().substring(0, 8));
            Path directory = Path.of(outcome.location());
            assertThat(directory).startsWith(parts.secretDirectory.resolve("snapshots")).isDirectory();
            assertThat(directory.resolveSibling(directory.getFileName() + ".partial")).doesNotExist();
            assertThat(directory.resolve("lineage.dump")).isRegularFile();
            server.execute("postgres", "create database restored");
            var restore = new ProcessBuilder(server.binDirectory().resolve("pg_restore").toString(), "--no-owner",
                    "--host=" + server.host(), "--port=" + server.port(), "--username=" + server.superuser(),
                    "--dbname=restored", directory.resolve("rosemeta.dump").toString()).redirectErrorStream(true);
            restore.environment().put("PGPASSWORD", server.password());
            var process = restore.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
            assertThat(server.queryForLong("restored", "select count(*) from item")).isEqualTo(250);
            send(new DeprovisionTarget(UUID.randomUUID(), migration, Instant.now(), "local", null, null,
                    server.endpoint("postgres"), true, null));
        }
    }

    @Test
    void aLocalSnapshotOfANewerServerThanItsPgDumpIsRefusedNamingBothMajors() {
        String migration = newMigration();
        send(localTarget(migration));
        try {
            ProvisionFailed outcome = send(new SnapshotTarget(UUID.randomUUID(), migration, Instant.now(), "local", null, null,
                    parts.target.endpoint("postgres")));

            assertThat(outcome.reason()).contains("cannot dump the PostgreSQL 17 server", "reads servers up to its own major");
            assertThat(outcome.action()).contains("provisioner.local.bin-directory");
        } finally {
            send(deprovisionLocal(migration));
        }
    }

    @Test
    void aLocalTargetThatIsTheSourceIsRefusedAndNothingIsCreatedOnIt() {
        // The source already holds the runbook's roles, so "nothing created" means its roles and databases are unchanged.
        String rolesAndDatabases = "select hashtext((select string_agg(rolname, ',' order by rolname) from pg_roles) || '|'"
                + " || (select string_agg(datname, ',' order by datname) from pg_database))";
        long before = parts.source.queryForLong("postgres", rolesAndDatabases);

        ProvisionFailed outcome = send(new ProvisionTarget(UUID.randomUUID(), newMigration(), Instant.now(), source(), "local",
                null, null, null, null, null, null, null, parts.source.endpoint("postgres")));

        assertThat(outcome.reason()).contains("refused to create the target's role and databases", "is the source server itself");
        assertThat(parts.source.queryForLong("postgres", rolesAndDatabases)).isEqualTo(before);
    }

    @Test
    void aDeprovisionOfADatabaseHoldingTheMigrationsPublicationIsRefusedEvenWhenItIsMarked() {
        String migration = newMigration();
        parts.source.execute("rosemeta", "create publication migration_rosemeta for all tables",
                "comment on database rosemeta is 'catalog-migration migration-id=" + migration + "'");
        try {
            ProvisionFailed outcome = send(new DeprovisionTarget(UUID.randomUUID(), migration, Instant.now(), "local", null,
                    null, parts.source.endpoint("postgres"), true, null));

            assertThat(outcome.reason()).contains("refused to drop databases", "holds the migration's publication migration_rosemeta");
            assertThat(parts.source.queryForLong("postgres", "select count(*) from pg_database where datname = 'rosemeta'")).isOne();
        } finally {
            parts.source.execute("rosemeta", "drop publication migration_rosemeta", "comment on database rosemeta is null");
        }
    }

    @Test
    void aProvisionCommandIssuedTwoHoursAgoIsRefusedAndCallsNoApi() {
        int mark = parts.aws.calls().size();
        var old = awsTarget(newMigration(), CATALOG_INSTANCE);
        old = new ProvisionTarget(old.commandId(), old.migrationId(), Instant.now().minus(Duration.ofHours(2)), old.source(),
                old.provider(), null, null, null, old.region(), old.sourceInstanceId(), null, null, null);

        ProvisionFailed outcome = send(old);

        assertThat(outcome.reason()).contains("more than migration.commands.max-age");
        assertThat(parts.aws.callsSince(mark)).isEmpty();
        assertThat(List.of(outcome.action())).anyMatch(a -> a.contains("send the command again now"));
    }
}
