package io.catalogmigration.local;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.lineage.LineageApplication;
import io.catalogmigration.provisioner.ProvisionerApplication;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.scan.ScanApplication;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The main job on an embedded default: generates a sample catalog and runs the runbook's steps whose services exist
 * so far against it, through Kafka exactly as an operator would (commands in, progress and outcomes out), then
 * prints a short report. Usage: {@code LocalRun [approximate prunable rows, default 250000]}.
 */
public final class LocalRun {

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 250_000;
        System.exit(run(rows).stream().noneMatch(LocalRun::failed) ? 0 : 1);
    }

    /** Runs every step that exists so far, stopping at the first failure, and returns the outcomes in order. */
    static List<OutcomeEvent> run(long rows) throws Exception {
        long started = System.nanoTime();
        List<OutcomeEvent> outcomes = new ArrayList<>();
        try (var stack = LocalStack.start(false)) {
            say("Started Kafka (%s), source PostgreSQL (port %d, wal_level=logical) and target PostgreSQL (port %d)",
                    stack.kafka.bootstrapServers(), stack.source.port(), stack.target.port());
            var sample = SampleCatalog.generate(stack.source, SampleSize.ofRows(rows));
            say("Generated sample catalog: %,d prunable rows in %s, rows spread over the last 12 months (%.1f s)",
                    sample.size().prunableRows(), sample.rosemeta(), sample.generationTime().toMillis() / 1000.0);
            String migrationId = "local-" + UUID.randomUUID().toString().substring(0, 8);
            var rosemeta = sample.endpoint(SampleCatalog.ROSEMETA);
            var lineage = sample.endpoint(SampleCatalog.LINEAGE);

            stack.startService(PruneApplication.class, Map.of());
            stack.startService(ScanApplication.class, Map.of());
            stack.startService(ProvisionerApplication.class, Map.of("provisioner.local.secret-directory",
                    Files.createTempDirectory("local-run-secrets").toString()));
            stack.startService(LineageApplication.class, Map.of());

            step(outcomes, "Step 1, prune: dry run first, to see what would go", () -> send(stack, Topics.PRUNE_COMMAND,
                    PruneCommand.class, new StartPrune(id(), migrationId, Instant.now(), rosemeta, List.of(), PruneMode.DRY_RUN, null)));
            step(outcomes, "Step 1, prune: purge", () -> send(stack, Topics.PRUNE_COMMAND, PruneCommand.class,
                    new StartPrune(id(), migrationId, Instant.now(), rosemeta, List.of(), PruneMode.PURGE, null)));
            step(outcomes, "Step 2, scan both databases for corrupted rows", () -> send(stack, Topics.SCAN_COMMAND,
                    ScanCommand.class, new StartScan(id(), migrationId, Instant.now(), List.of(rosemeta, lineage),
                            ScanMode.REPORT, List.of(), null, null)));
            step(outcomes, "Step 3, size the target", () -> send(stack, Topics.PROVISION_COMMAND, ProvisionCommand.class,
                    new PlanTarget(id(), migrationId, Instant.now(), rosemeta, null, null, null)));
            step(outcomes, "Step 4, create the target (provider local: the second PostgreSQL stands in for RDS)",
                    () -> send(stack, Topics.PROVISION_COMMAND, ProvisionCommand.class, new ProvisionTarget(id(), migrationId,
                            Instant.now(), rosemeta, ProvisionCommand.LOCAL, null, null, null, null, null, null, null,
                            stack.target.endpoint("postgres"))));
            step(outcomes, "Lineage V2 to V3: the sample's links", () -> send(stack, Topics.LINEAGE_COMMAND,
                    LineageCommand.class, new StartLineageMigration(id(), migrationId, Instant.now(), rosemeta, lineage, null)));

            System.out.println();
            System.out.println("==== Report (migration " + migrationId + ") ====");
            outcomes.forEach(LocalRun::report);
            System.out.printf(Locale.ROOT, "Whole local run: %.1f s%n", (System.nanoTime() - started) / 1e9);
            return outcomes;
        }
    }

    private interface Step {
        OutcomeEvent run();
    }

    private static void step(List<OutcomeEvent> outcomes, String title, Step step) {
        if (outcomes.stream().anyMatch(LocalRun::failed)) {
            return;
        }
        say(title);
        outcomes.add(step.run());
    }

    private static <C extends MigrationCommand> OutcomeEvent send(LocalStack stack, String topic, Class<? super C> family, C command) {
        stack.commands.send(topic, family, command);
        return stack.events.awaitOutcome(command.commandId(), Duration.ofMinutes(30));
    }

    static boolean failed(OutcomeEvent outcome) {
        return outcome instanceof PruneFailed || outcome instanceof ScanFailed || outcome instanceof ProvisionFailed
                || outcome instanceof LineageMigrationFailed;
    }

    private static void report(OutcomeEvent outcome) {
        if (outcome instanceof PruneCompleted done) {
            System.out.printf(Locale.ROOT, "prune %s: completed in %.1f s, %,d rows deleted%n", done.mode(),
                    done.elapsedMillis() / 1000.0, done.rowsDeleted());
            for (PrunedTable t : done.tables()) {
                System.out.printf(Locale.ROOT, "  %-42s %-17s before %,10d  past retention %,10d  deleted %,10d  after %,10d%n",
                        t.table(), t.status(), t.rowsBefore(), t.pastRetentionBefore(), t.deleted(), t.rowsAfter());
            }
        } else if (outcome instanceof ScanCompleted scan) {
            System.out.printf(Locale.ROOT, "scan %s: %d tables, %,.1f MB in %.1f s, %d corrupted rows, failed tables %s%n",
                    scan.mode(), scan.tablesScanned(), scan.bytesScanned() / 1048576.0, scan.elapsedMillis() / 1000.0,
                    scan.corruptedRows(), scan.failedTables());
            scan.databases().forEach(db -> System.out.printf("  %s: method %s%s%n", db.database(), db.method(),
                    db.note() == null ? "" : " (" + db.note() + ")"));
        } else if (outcome instanceof TargetPlanned planned) {
            System.out.printf(Locale.ROOT, "target plan: %d GB storage, %s, %d migration workers%n",
                    planned.plan().storageGb(), planned.plan().instanceClass(), planned.plan().migrationWorkers());
        } else if (outcome instanceof TargetProvisioned target) {
            System.out.printf(Locale.ROOT, "target (%s): %s:%d, databases %s, app user %s, its password at %s%n",
                    target.provider(), target.host(), target.port(), target.databases(), target.appUser(), target.appUserSecretRef());
        } else if (outcome instanceof LineageMigrated migrated) {
            System.out.printf(Locale.ROOT, "lineage: %,d distinct links migrated as %,d edges and %,d nodes in %,d messages, "
                    + "%.1f s; validation passed, V3 enabled%n", migrated.sourceLinks(), migrated.edges(), migrated.nodes(),
                    migrated.messages(), migrated.elapsedMillis() / 1000.0);
        } else {
            System.out.println("FAILED: " + outcome);
        }
    }

    private static UUID id() {
        return UUID.randomUUID();
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "==> " + format + "%n", args);
    }

    private LocalRun() {
    }
}
