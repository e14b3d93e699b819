package io.catalogmigration.cli;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.SourceCheck;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.StartScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.catalogmigration.cli.ScriptedServices.id;
import static io.catalogmigration.cli.ScriptedServices.now;
import static io.catalogmigration.cli.ScriptedServices.published;
import static io.catalogmigration.cli.ScriptedServices.types;
import static org.assertj.core.api.Assertions.assertThat;

/** The runbook against scripted services on a real broker: order, what each command carries, stops, confirmation, resume. */
class RunbookTest {

    private static ScriptedServices services;

    private static final PgEndpoint SOURCE = new PgEndpoint("source.internal", 5432, "postgres", "postgres", "prefer", "env:SOURCE_PW");
    private static final PgEndpoint TARGET_ADMIN = new PgEndpoint("target.internal", 5433, "postgres", "postgres", "prefer",
            "env:TARGET_ADMIN_PW");

    @BeforeAll
    static void start() {
        services = new ScriptedServices();
    }

    @AfterAll
    static void stop() {
        services.close();
    }

    /** A local-provider runbook: the source, the server standing in for RDS, the replication login, fast checks. */
    private static List<String> flags(String m, String... more) {
        List<String> args = new ArrayList<>(List.of("runbook", "--migration-id", m,
                "--source-host", "source.internal", "--source-user", "postgres", "--source-password-ref", "env:SOURCE_PW",
                "--provider", "local", "--target-host", "localhost", "--target-port", "5433", "--target-user", "postgres",
                "--target-password-ref", "env:LOCAL_TARGET_PW", "--replication-password-ref", "env:REPL_PW",
                "--check-interval", "100ms",
                // both servers on a private network without TLS certificates: said explicitly, as an operator must
                "--source-sslmode", "prefer", "--target-sslmode", "prefer"));
        args.addAll(List.of(more));
        return args;
    }

    private static String newMigration() {
        return "runbook-" + UUID.randomUUID();
    }

    @Test
    void runsEveryStepInOrderThroughKafkaAndReportsTheFigures() {
        String m = newMigration();
        services.script(m, ScriptedServices.plausible(2));
        var result = Cli.run(flags(m, "--unattended", "--role-password-ref", "alation=env:ALATION_PW", "--step-timeout", "30s")
                .toArray(String[]::new));
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();

        List<MigrationCommand> sent = published(m);
        List<String> types = types(sent);
        assertThat(types.subList(0, 3)).containsExactly("BackUpSource", "StartPrune", "StartScan");
        assertThat(types.subList(3, 5)).containsExactlyInAnyOrder("StartLineageMigration", "ProvisionTarget");
        assertThat(types.subList(5, types.size())).containsExactly("PrepareSource", "StartReplication", "StartReplication",
                "CheckReplication", "CheckReplication", "CheckReplication", "CheckReplication", "RunPreflight", "StartCutover",
                "SnapshotTarget");
        for (MigrationCommand c : sent) assertThat(c.migrationId()).isEqualTo(m);

        assertThat(((BackUpSource) sent.get(0)).source()).isEqualTo(SOURCE);
        var snapshot = (SnapshotTarget) of(sent, SnapshotTarget.class);
        assertThat(snapshot.provider()).isEqualTo("local");
        assertThat(snapshot.target()).isEqualTo(new PgEndpoint("localhost", 5433, "postgres", "postgres", "prefer", "env:LOCAL_TARGET_PW"));
        var prune = (StartPrune) sent.get(1);
        assertThat(prune.mode()).isEqualTo(PruneMode.PURGE);
        assertThat(prune.groups()).isEmpty();
        assertThat(prune.database()).isEqualTo(SOURCE.withDatabase("rosemeta"));
        var scan = (StartScan) sent.get(2);
        assertThat(scan.mode()).isEqualTo(ScanMode.REPAIR);
        assertThat(scan.databases()).containsExactly(SOURCE.withDatabase("rosemeta"), SOURCE.withDatabase("lineage"));
        var lineage = (StartLineageMigration) of(sent, StartLineageMigration.class);
        assertThat(lineage.source()).isEqualTo(SOURCE.withDatabase("rosemeta"));
        assertThat(lineage.target()).isEqualTo(SOURCE.withDatabase("lineage"));
        var provision = (ProvisionTarget) of(sent, ProvisionTarget.class);
        assertThat(provision.provider()).isEqualTo("local");
        assertThat(provision.source()).isEqualTo(SOURCE.withDatabase("rosemeta"));
        assertThat(provision.target()).isEqualTo(new PgEndpoint("localhost", 5433, "postgres", "postgres", "prefer", "env:LOCAL_TARGET_PW"));
        var prepare = (PrepareSource) of(sent, PrepareSource.class);
        assertThat(prepare).isEqualTo(new PrepareSource(prepare.commandId(), m, prepare.issuedAt(), SOURCE,
                List.of("rosemeta", "lineage"), "127.0.0.1", "replicator", "env:REPL_PW", null));
        var replications = sent.stream().filter(c -> c instanceof StartReplication).map(c -> (StartReplication) c).toList();
        assertThat(replications).extracting(r -> r.source().database()).containsExactlyInAnyOrder("rosemeta", "lineage");
        for (StartReplication r : replications) {
            String db = r.source().database();
            assertThat(r.target()).isEqualTo(TARGET_ADMIN);
            assertThat(r.replication()).isEqualTo(new PgEndpoint("source.internal", 5432, db, "replicator", "prefer", "env:REPL_PW"));
            assertThat(r.rolePasswordRefs()).isEqualTo(Map.of("alation", "env:ALATION_PW"));
        }
        var check = (CheckReplication) of(sent, CheckReplication.class);
        assertThat(check.target()).isEqualTo(TARGET_ADMIN);
        var preflight = (RunPreflight) of(sent, RunPreflight.class);
        assertThat(preflight.source()).isEqualTo(SOURCE);
        assertThat(preflight.target()).isEqualTo(TARGET_ADMIN);
        assertThat(preflight.databases()).containsExactly("rosemeta", "lineage");
        var cutover = (StartCutover) of(sent, StartCutover.class);
        assertThat(cutover).isEqualTo(new StartCutover(cutover.commandId(), m, cutover.issuedAt(), SOURCE, TARGET_ADMIN,
                List.of("rosemeta", "lineage"), "catalog_app", "file:/run/secrets/app", "prefer", m));

        String out = result.out();
        assertThat(out).contains("deleting").contains("2500/4000 rows")
                .contains("[catch-up] rosemeta   NEED_TO_WAIT  tables ready 1/2  lag 5.0 MB  indexes 0/6  post-data 0/10")
                .contains("[catch-up] lineage    STOP_WAITING  tables ready 2/2  lag 0 B  indexes 6/6  post-data 10/10")
                .contains("max_wal_senders: CHANGED, now 10, needs 12")
                .contains("WARNING hooks: no stop hook configured")
                .contains("note: adopted the databases of an earlier attempt")
                .contains("Runbook " + m + " completed in")
                .containsPattern("Backup of the source: +/var/backups/catalog/" + m + " \\(pg_basebackup, 3.0 GB, verified\\)")
                .containsPattern("First target snapshot: +" + m + "-cutover-1a2b3c4d \\(/var/backups/catalog/snapshots/")
                .containsPattern("Rows pruned: +4,000")
                .containsPattern("Corrupted rows: +3 found, 3 removed")
                .containsPattern("Target: +target.internal:5433, 200 GB, db.r6g.xlarge")
                .containsPattern("Data copied and verified: +2 tables, 150 rows verified online, 3 changed rows re-checked in the window, 7 sequences")
                .containsPattern("Lineage links migrated: +2,000 links, 2,000 edges")
                .containsPattern("Write downtime: +2.3 s")
                .containsPattern("Wall time: +\\S+");
        for (RunbookStep step : RunbookStep.values()) {
            assertThat(out).containsPattern("(?m)^  " + step.label + " +\\d");
        }
        assertThat(out).doesNotContain("FAILED").doesNotContain("Step ");
    }

    @Test
    void aFailedStepStopsTheRunbookWithItsReasonAndNothingAfterItIsSent() {
        String m = newMigration();
        var plausible = ScriptedServices.plausible(1);
        services.script(m, c -> c instanceof StartScan
                ? List.of(new ScanFailed(id(), m, now(), c.commandId(), "amcheck is not installed on rosemeta",
                "install the amcheck extension or send StartScan with method READ_ROWS", List.of("rosemeta", "lineage")))
                : plausible.apply(c));
        var result = Cli.run(flags(m, "--unattended").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(result.out()).contains("Step scan failed: amcheck is not installed on rosemeta. What to do: install the"
                + " amcheck extension or send StartScan with method READ_ROWS. Then resume with the same flags and --from scan.")
                .contains("Runbook " + m + " stopped at step scan").containsPattern("Rows pruned: +4,000");
        assertThat(types(published(m))).containsExactly("BackUpSource", "StartPrune", "StartScan");
    }

    @Test
    void aFailedLineageStepIsListedAsFailedAndTheProvisionStillUnderWayAsStillRunning() {
        String m = newMigration();
        var plausible = ScriptedServices.plausible(1);
        services.script(m, c -> c instanceof StartLineageMigration
                ? List.of(new LineageMigrationFailed(id(), m, now(), c.commandId(), "there is no link table "
                + "public.object_lineage_link in postgres@source.internal:5432/rosemeta", "point source at the rosemeta "
                + "database; nothing was written", null, null))
                : c instanceof ProvisionTarget ? List.of() : plausible.apply(c));
        var result = Cli.run(flags(m, "--unattended", "--skip", "prune", "--skip", "scan").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(result.out()).contains("Runbook " + m + " stopped at step lineage")
                .containsPattern("(?m)^  lineage +FAILED after \\S+")
                .containsPattern("(?m)^  provision +still running")
                .contains("Step lineage failed: there is no link table public.object_lineage_link")
                .contains("Still running in its service: ProvisionTarget (step provision)")
                .doesNotContain("Still running in its service: StartLineageMigration");
    }

    @Test
    void aSourceThatIsNotReadyStopsAtPrepareWithTheChecksToFix() {
        String m = newMigration();
        var plausible = ScriptedServices.plausible(1);
        services.script(m, c -> c instanceof PrepareSource
                ? List.of(new SourcePrepared(id(), m, now(), c.commandId(), "postgres@source.internal:5432/postgres", "150004",
                false, true, List.of(new SourceCheck("wal_level", "replica", "logical", SourceCheck.RESTART_REQUIRED,
                        "restart PostgreSQL: ALTER SYSTEM set wal_level = logical"),
                new SourceCheck("max_replication_slots", "10", "10", SourceCheck.OK, null))))
                : plausible.apply(c));
        var result = Cli.run(flags(m, "--unattended", "--skip", "prune", "--skip", "scan", "--skip", "lineage")
                .toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(result.out())
                .contains("wal_level: RESTART_REQUIRED, now replica, needs logical; what to do: restart PostgreSQL")
                .contains("restart required: a changed setting takes effect only after the source server restarts")
                .doesNotContain("max_replication_slots:")
                .contains("Step prepare failed: the source postgres@source.internal:5432/postgres is not ready for logical"
                        + " replication")
                .contains("What to do: restart the source PostgreSQL server");
        assertThat(types(published(m))).containsExactly("BackUpSource", "ProvisionTarget", "PrepareSource");
    }

    @Test
    void aWrongConfirmationStopsBeforeTheCutoverIsSent() {
        String m = newMigration();
        services.script(m, ScriptedServices.plausible(1));
        var result = Cli.runTyping("yes\n", flags(m, "--from", "catch-up").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(result.out()).contains("About to cut over migration " + m)
                .contains("switched to target.internal:5433 as catalog_app")
                .contains("Type the migration id (" + m + ")")
                .contains("Cutover not confirmed: nothing was stopped");
        assertThat(types(published(m))).containsExactly("ProvisionTarget", "CheckReplication", "CheckReplication",
                "RunPreflight");

        String empty = newMigration();
        services.script(empty, ScriptedServices.plausible(1));
        var noAnswer = Cli.runTyping("", flags(empty, "--from", "preflight").toArray(String[]::new));
        assertThat(noAnswer.exitCode()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(noAnswer.out()).contains("nothing was stopped");
        assertThat(types(published(empty))).doesNotContain("StartCutover");
    }

    @Test
    void theTypedMigrationIdGoesOnToTheCutover() {
        String m = newMigration();
        services.script(m, ScriptedServices.plausible(1));
        var result = Cli.runTyping("  " + m + "\n", flags(m, "--from", "catch-up", "--app-user", "app_override",
                "--fallback-user", "catalog_fallback", "--fallback-password-ref", "env:FALLBACK_PW").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isZero();
        assertThat(result.out()).contains("Type the migration id").doesNotContain("nothing was stopped")
                .containsPattern("Write downtime: +2.3 s")
                .containsPattern("Application on the target: +confirmed: 4 session\\(s\\) there, 0 on the source")
                .containsPattern("Replication back \\(fallback\\): +rosemeta streaming, lag 0 B");
        var sent = published(m);
        assertThat(types(sent)).endsWith("RunPreflight", "StartCutover", "SnapshotTarget");
        var cutover = (StartCutover) of(sent, StartCutover.class);
        assertThat(cutover.applicationUser()).isEqualTo("app_override");
        assertThat(cutover.applicationPasswordRef()).isEqualTo("file:/run/secrets/app");
        assertThat(cutover.confirm()).isEqualTo(m);
        assertThat(cutover.fallback().user()).isEqualTo("catalog_fallback");
        assertThat(cutover.fallback().passwordRef()).isEqualTo("env:FALLBACK_PW");
        assertThat(((RunPreflight) of(sent, RunPreflight.class)).fallback()).isEqualTo(cutover.fallback());
    }

    @Test
    void fromPreflightSendsProvisionAgainThenPreflight() {
        String m = newMigration();
        services.script(m, ScriptedServices.plausible(1));
        var result = Cli.run(flags(m, "--unattended", "--from", "preflight").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isZero();
        assertThat(types(published(m))).containsExactly("ProvisionTarget", "RunPreflight", "StartCutover", "SnapshotTarget");
        assertThat(result.out()).contains("runbook " + m + ": provision, preflight, cutover, snapshot (skipped: backup, prune,"
                + " scan, lineage, prepare, replicate, catch-up)")
                .contains("[backup] skipped: no backup of the source was checked or taken by this run");
    }

    @Test
    void aStepWithoutOutcomeTimesOutNamingTheStep() {
        String m = newMigration();
        services.script(m, c -> List.of());
        var result = Cli.run(flags(m, "--unattended", "--step-timeout", "2s").toArray(String[]::new));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(MigrateCli.TIMED_OUT);
        assertThat(result.out()).contains("Step backup timed out after 2s (--step-timeout): no outcome of BackUpSource run")
                .contains("Still running in its service: BackUpSource (step backup)");
        assertThat(types(published(m))).containsExactly("BackUpSource");
    }

    @Test
    void invalidFlagsAreRefusedBeforeAnythingIsSent() throws Exception {
        String m = newMigration();
        assertUsage(Cli.run(flags(m, "--skip", "provision").toArray(String[]::new)), "--skip provision is not possible");
        assertUsage(Cli.run(flags(m, "--from", "switch").toArray(String[]::new)), "'switch' is not a step");
        assertUsage(Cli.run("runbook", "--migration-id", m, "--source-host", "s", "--source-user", "u",
                "--source-password-ref", "env:S", "--provider", "aws", "--region", "us-east-1", "--source-instance-id", "i-0abc",
                "--replication-password-ref", "env:R"), "--target-address");
        assertUsage(Cli.run("runbook", "--migration-id", m, "--source-host", "s", "--source-user", "u",
                "--source-password-ref", "env:S", "--provider", "aws", "--target-address", "10.0.0.5",
                "--replication-password-ref", "env:R"), "--provider aws needs --region and --source-instance-id");
        List<String> noReplicationRef = flags(m, "--unattended");
        noReplicationRef.removeAll(List.of("--replication-password-ref", "env:REPL_PW"));
        assertUsage(Cli.run(noReplicationRef.toArray(String[]::new)), "--replication-password-ref");
        assertUsage(Cli.run(flags(m, "--app-password-ref", "hunter2").toArray(String[]::new)), "not a secret reference");
        assertThat(published(m)).isEmpty();

        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> dead = flags(m, "--broker-timeout", "2s");
        var unreachable = Cli.runRaw(concat(dead, "--bootstrap-servers", "127.0.0.1:" + port));
        assertThat(unreachable.exitCode()).isEqualTo(MigrateCli.UNREACHABLE);
        assertThat(unreachable.err()).contains("Cannot reach Kafka at 127.0.0.1:" + port);
    }

    private static void assertUsage(Cli.Result result, String message) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(MigrateCli.USAGE);
        assertThat(result.err()).contains(message).contains("Usage: migrate runbook").doesNotContain("hunter2");
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static MigrationCommand of(List<MigrationCommand> sent, Class<? extends MigrationCommand> type) {
        return sent.stream().filter(type::isInstance).findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }
}
