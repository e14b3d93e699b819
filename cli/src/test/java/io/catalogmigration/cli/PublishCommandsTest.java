package io.catalogmigration.cli;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.CancelScan;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.EventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Each command family goes to its topic as exactly the JSON the services read, keyed by migration id. */
class PublishCommandsTest {

    private static EventLog log;

    @BeforeAll
    static void follow() {
        log = EventLog.follow(Cli.bootstrap(), Topics.PRUNE_COMMAND, Topics.SCAN_COMMAND, Topics.PROVISION_COMMAND,
                Topics.LINEAGE_COMMAND, Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND);
    }

    @AfterAll
    static void stop() {
        log.close();
    }

    private static String newMigration() {
        return "cli-test-" + UUID.randomUUID();
    }

    /** Runs the CLI, checks the record it put on {@code topic}, and returns it read back into {@code family}. */
    private static <C extends MigrationCommand> C published(String topic, Class<C> family, String migrationId, String... args) {
        var result = Cli.run(args);
        assertThat(result.exitCode()).as(result.err()).isZero();
        UUID commandId = UUID.fromString(result.firstLine().strip());
        var record = log.awaitRecord(topic, r -> migrationId.equals(r.key()), Duration.ofSeconds(15));
        assertThat(record.headers()).containsEntry("ce_id", commandId.toString())
                .containsEntry("ce_subject", migrationId)
                .containsEntry("ce_source", "/catalog-migration/cli")
                .containsEntry("ce_specversion", "1.0")
                .containsKey("ce_time");
        var tree = MessageJson.mapper().readTree(record.value());
        assertThat(tree.get("type")).isNotNull();
        assertThat(record.headers().get("ce_type")).isEqualTo("io.catalogmigration." + tree.get("type").asString());
        assertThat(record.value()).doesNotContain("hunter2");
        C command = MessageJson.mapper().readValue(record.value(), family);
        assertThat(command.commandId()).isEqualTo(commandId);
        assertThat(command.migrationId()).isEqualTo(migrationId);
        assertThat(command.issuedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(log.records(topic).stream().filter(r -> migrationId.equals(r.key()))).hasSize(1);
        return command;
    }

    @Test
    void prune() {
        String m = newMigration();
        PruneCommand command = published(Topics.PRUNE_COMMAND, PruneCommand.class, m, "prune", "--migration-id", m,
                "--host", "db.internal", "--port", "6432", "--database", "rosemeta", "--user", "alation",
                "--sslmode", "verify-full", "--password-ref", "env:SOURCE_PASSWORD", "--group", "qli", "--group", "metrics",
                "--mode", "PURGE", "--batch-size", "5000");
        assertThat(command).isEqualTo(new StartPrune(command.commandId(), m, command.issuedAt(),
                new PgEndpoint("db.internal", 6432, "rosemeta", "alation", "verify-full", "env:SOURCE_PASSWORD"),
                List.of("qli", "metrics"), PruneMode.PURGE, 5000));
        var json = MessageJson.mapper().readTree(log.records(Topics.PRUNE_COMMAND).stream()
                .filter(r -> m.equals(r.key())).findFirst().orElseThrow().value());
        assertThat(json.get("type").asString()).isEqualTo("StartPrune");
    }

    @Test
    void pruneDefaultsToDryRunOnEveryGroup() {
        String m = newMigration();
        PruneCommand command = published(Topics.PRUNE_COMMAND, PruneCommand.class, m, "prune", "--migration-id", m,
                "--host", "h", "--user", "u", "--password-ref", "file:/run/secrets/pg", "--sslmode", "prefer");
        assertThat(command).isEqualTo(new StartPrune(command.commandId(), m, command.issuedAt(),
                new PgEndpoint("h", 5432, "rosemeta", "u", "prefer", "file:/run/secrets/pg"), List.of(), PruneMode.DRY_RUN, null));
    }

    @Test
    void scan() {
        String m = newMigration();
        ScanCommand command = published(Topics.SCAN_COMMAND, ScanCommand.class, m, "scan", "--migration-id", m,
                "--host", "h", "--user", "u", "--password-ref", "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:pg#password",
                "--database", "rosemeta", "--database", "lineage", "--mode", "repair", "--table", "public.t1",
                "--method", "READ_ROWS", "--parallelism", "8");
        String ref = "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:pg#password";
        assertThat(command).isEqualTo(new StartScan(command.commandId(), m, command.issuedAt(),
                List.of(new PgEndpoint("h", 5432, "rosemeta", "u", null, ref), new PgEndpoint("h", 5432, "lineage", "u", null, ref)),
                ScanMode.REPAIR, List.of("public.t1"), 8, ScanMethod.READ_ROWS));
    }

    @Test
    void cancelNamesTheRunOnItsServicesTopic() {
        String m = newMigration();
        UUID run = UUID.randomUUID();
        PruneCommand prune = published(Topics.PRUNE_COMMAND, PruneCommand.class, m, "cancel", "--service", "prune",
                "--migration-id", m, "--run-id", run.toString(), "--reason", "work dead-lettered");
        assertThat(prune).isEqualTo(new CancelPrune(prune.commandId(), m, prune.issuedAt(), run, "work dead-lettered"));

        String m2 = newMigration();
        ScanCommand scan = published(Topics.SCAN_COMMAND, ScanCommand.class, m2, "cancel", "--service", "scan",
                "--migration-id", m2, "--run-id", run.toString());
        assertThat(scan).isEqualTo(new CancelScan(scan.commandId(), m2, scan.issuedAt(), run, null));
    }

    @Test
    void provisionPlanCreateDeleteSnapshot() {
        String m = newMigration();
        ProvisionCommand plan = published(Topics.PROVISION_COMMAND, ProvisionCommand.class, m, "provision", "plan",
                "--migration-id", m, "--source-host", "src", "--source-user", "admin", "--source-password-ref", "env:SRC",
                "--object-count", "1000000", "--concurrent-users", "50", "--source-cpu-count", "16");
        PgEndpoint source = new PgEndpoint("src", 5432, "rosemeta", "admin", null, "env:SRC");
        assertThat(plan).isEqualTo(new PlanTarget(plan.commandId(), m, plan.issuedAt(), source, 1_000_000L, 50, 16));

        String m2 = newMigration();
        ProvisionCommand create = published(Topics.PROVISION_COMMAND, ProvisionCommand.class, m2, "provision", "create",
                "--migration-id", m2, "--source-host", "src", "--source-user", "admin", "--source-password-ref", "env:SRC",
                "--provider", "local", "--target-host", "tgt", "--target-port", "5433", "--target-user", "postgres",
                "--target-password-ref", "file:/tmp/tgt");
        assertThat(create).isEqualTo(new ProvisionTarget(create.commandId(), m2, create.issuedAt(), source, "local", null,
                null, null, null, null, null, null, new PgEndpoint("tgt", 5433, "postgres", "postgres", null, "file:/tmp/tgt")));

        String m3 = newMigration();
        ProvisionCommand delete = published(Topics.PROVISION_COMMAND, ProvisionCommand.class, m3, "provision", "delete",
                "--migration-id", m3, "--provider", "aws", "--region", "us-east-1", "--db-instance-identifier", "catalog-x",
                "--confirm", "--skip-final-snapshot");
        assertThat(delete).isEqualTo(new DeprovisionTarget(delete.commandId(), m3, delete.issuedAt(), "aws", "us-east-1",
                "catalog-x", null, true, true));

        String m4 = newMigration();
        ProvisionCommand snapshot = published(Topics.PROVISION_COMMAND, ProvisionCommand.class, m4, "provision", "snapshot",
                "--migration-id", m4, "--provider", "aws", "--region", "us-east-1", "--db-instance-identifier", "catalog-x");
        assertThat(snapshot).isEqualTo(new SnapshotTarget(snapshot.commandId(), m4, snapshot.issuedAt(), "aws", "us-east-1",
                "catalog-x", null));
    }

    @Test
    void lineageStartResetValidate() {
        String m = newMigration();
        String[] ends = {"--source-host", "src", "--source-user", "u1", "--source-password-ref", "env:SRC",
                "--target-host", "tgt", "--target-user", "u2", "--target-password-ref", "env:TGT", "--target-sslmode", "require"};
        PgEndpoint source = new PgEndpoint("src", 5432, "rosemeta", "u1", null, "env:SRC");
        PgEndpoint target = new PgEndpoint("tgt", 5432, "lineage", "u2", "require", "env:TGT");

        LineageCommand start = published(Topics.LINEAGE_COMMAND, LineageCommand.class, m,
                concat(new String[]{"lineage", "start", "--migration-id", m, "--links-per-message", "100"}, ends));
        assertThat(start).isEqualTo(new StartLineageMigration(start.commandId(), m, start.issuedAt(), source, target, 100));

        String m2 = newMigration();
        LineageCommand reset = published(Topics.LINEAGE_COMMAND, LineageCommand.class, m2, "lineage", "reset-pointer", "--migration-id", m2);
        assertThat(reset).isEqualTo(new ResetLineagePointer(reset.commandId(), m2, reset.issuedAt()));

        String m3 = newMigration();
        LineageCommand validate = published(Topics.LINEAGE_COMMAND, LineageCommand.class, m3,
                concat(new String[]{"lineage", "validate", "--migration-id", m3}, ends));
        assertThat(validate).isEqualTo(new ValidateLineage(validate.commandId(), m3, validate.issuedAt(), source, target));
    }

    @Test
    void replicateBackupPrepareStartCheckReset() {
        String[] source = {"--source-host", "src", "--source-port", "6432", "--source-user", "postgres",
                "--source-sslmode", "verify-full", "--source-password-ref", "env:SRC"};
        String[] target = {"--target-host", "tgt", "--target-user", "rdsadmin", "--target-password-ref",
                "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:rds#password"};
        PgEndpoint targetAdmin = new PgEndpoint("tgt", 5432, "postgres", "rdsadmin", null,
                "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:rds#password");

        String m0 = newMigration();
        ReplicateCommand backup = published(Topics.REPLICATE_COMMAND, ReplicateCommand.class, m0, concat(new String[]{
                "replicate", "backup", "--migration-id", m0}, source));
        assertThat(backup).isEqualTo(new BackUpSource(backup.commandId(), m0, backup.issuedAt(),
                new PgEndpoint("src", 6432, "postgres", "postgres", "verify-full", "env:SRC")));

        String m = newMigration();
        ReplicateCommand prepare = published(Topics.REPLICATE_COMMAND, ReplicateCommand.class, m, concat(new String[]{
                "replicate", "prepare", "--migration-id", m, "--target-address", "10.0.3.7",
                "--replication-password-ref", "env:REPL", "--planned-workers", "6"}, source));
        assertThat(prepare).isEqualTo(new PrepareSource(prepare.commandId(), m, prepare.issuedAt(),
                new PgEndpoint("src", 6432, "postgres", "postgres", "verify-full", "env:SRC"), List.of("rosemeta", "lineage"),
                "10.0.3.7", "replicator", "env:REPL", 6));

        String m2 = newMigration();
        ReplicateCommand start = published(Topics.REPLICATE_COMMAND, ReplicateCommand.class, m2, concat(concat(new String[]{
                "replicate", "start", "--migration-id", m2, "--database", "lineage", "--replication-host", "src.vpc.internal",
                "--replication-user", "repl", "--replication-password-ref", "file:/run/secrets/repl",
                "--role-password-ref", "alation=env:ALATION_PW", "--role-password-ref", "reader=file:/run/secrets/reader"},
                source), target));
        assertThat(start).isEqualTo(new StartReplication(start.commandId(), m2, start.issuedAt(),
                new PgEndpoint("src", 6432, "lineage", "postgres", "verify-full", "env:SRC"), targetAdmin,
                new PgEndpoint("src.vpc.internal", 6432, "lineage", "repl", "verify-full", "file:/run/secrets/repl"),
                Map.of("alation", "env:ALATION_PW", "reader", "file:/run/secrets/reader")));

        String m3 = newMigration();
        ReplicateCommand check = published(Topics.REPLICATE_COMMAND, ReplicateCommand.class, m3,
                concat(concat(new String[]{"replicate", "check", "--migration-id", m3, "--database", "rosemeta"}, source), target));
        assertThat(check).isEqualTo(new CheckReplication(check.commandId(), m3, check.issuedAt(),
                new PgEndpoint("src", 6432, "rosemeta", "postgres", "verify-full", "env:SRC"), targetAdmin));

        String m4 = newMigration();
        ReplicateCommand reset = published(Topics.REPLICATE_COMMAND, ReplicateCommand.class, m4,
                concat(concat(new String[]{"replicate", "reset", "--migration-id", m4, "--database", "rosemeta", "--confirm", m4},
                        source), target));
        assertThat(reset).isEqualTo(new ResetReplication(reset.commandId(), m4, reset.issuedAt(),
                new PgEndpoint("src", 6432, "rosemeta", "postgres", "verify-full", "env:SRC"), targetAdmin, m4));
    }

    @Test
    void cutoverPreflightRunFallbackFinishRollbackReset() {
        String[] ends = {"--source-host", "src", "--source-user", "postgres", "--source-password-ref", "env:SRC",
                "--target-host", "tgt", "--target-user", "rdsadmin", "--target-password-ref", "env:TGT",
                "--target-sslmode", "verify-full"};
        PgEndpoint source = new PgEndpoint("src", 5432, "postgres", "postgres", null, "env:SRC");
        PgEndpoint target = new PgEndpoint("tgt", 5432, "postgres", "rdsadmin", "verify-full", "env:TGT");

        String m = newMigration();
        CutoverCommand preflight = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m,
                concat(new String[]{"cutover", "preflight", "--migration-id", m}, ends));
        assertThat(preflight).isEqualTo(new RunPreflight(preflight.commandId(), m, preflight.issuedAt(), source, target,
                List.of("rosemeta", "lineage")));

        String m2 = newMigration();
        CutoverCommand run = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m2, concat(new String[]{"cutover", "run",
                "--migration-id", m2, "--database", "rosemeta", "--application-user", "catalog_app",
                "--application-password-ref", "env:APP_PW", "--application-sslmode", "require", "--confirm", m2}, ends));
        assertThat(run).isEqualTo(new StartCutover(run.commandId(), m2, run.issuedAt(), source, target, List.of("rosemeta"),
                "catalog_app", "env:APP_PW", "require", m2));

        String m5 = newMigration();
        CutoverCommand replicatingBack = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m5, concat(new String[]{
                "cutover", "run", "--migration-id", m5, "--application-user", "catalog_app", "--application-password-ref",
                "env:APP_PW", "--fallback-user", "catalog_fallback", "--fallback-password-ref", "env:FALLBACK_PW",
                "--fallback-host", "tgt.internal", "--confirm", m5}, ends));
        assertThat(((StartCutover) replicatingBack).fallback()).isEqualTo(new PgEndpoint("tgt.internal", 5432, "postgres",
                "catalog_fallback", "verify-full", "env:FALLBACK_PW"));

        String m6 = newMigration();
        CutoverCommand fallback = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m6,
                concat(new String[]{"cutover", "fallback", "--migration-id", m6}, ends));
        assertThat(fallback).isEqualTo(new CheckFallback(fallback.commandId(), m6, fallback.issuedAt(), source, target,
                List.of("rosemeta", "lineage")));

        String m7 = newMigration();
        CutoverCommand finish = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m7,
                concat(new String[]{"cutover", "finish", "--migration-id", m7, "--confirm", m7}, ends));
        assertThat(finish).isEqualTo(new FinishCutover(finish.commandId(), m7, finish.issuedAt(), source, target,
                List.of("rosemeta", "lineage"), m7));

        String m3 = newMigration();
        CutoverCommand rollback = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m3,
                concat(new String[]{"cutover", "rollback", "--migration-id", m3, "--confirm", m3}, ends));
        assertThat(rollback).isEqualTo(new RollBackCutover(rollback.commandId(), m3, rollback.issuedAt(), source, target,
                List.of("rosemeta", "lineage"), m3));

        String m4 = newMigration();
        CutoverCommand reset = published(Topics.CUTOVER_COMMAND, CutoverCommand.class, m4,
                concat(new String[]{"cutover", "reset", "--migration-id", m4, "--confirm", m4, "--database", "lineage"}, ends));
        assertThat(reset).isEqualTo(new ResetCutover(reset.commandId(), m4, reset.issuedAt(), source, target,
                List.of("lineage"), m4));
        assertThat(log.records(Topics.CUTOVER_COMMAND).stream().filter(r -> m4.equals(r.key())).findFirst().orElseThrow()
                .value()).contains("\"type\":\"ResetCutover\"").contains("\"confirm\":\"" + m4 + "\"");
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
