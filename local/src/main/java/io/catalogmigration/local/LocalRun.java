package io.catalogmigration.local;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.lineage.LineageApplication;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The main job on an embedded default: generates a sample catalog, runs the services that exist so far against it
 * through Kafka exactly as an operator would (commands in, progress and outcomes out), and prints a short report.
 * Usage: {@code LocalRun [approximate prunable rows, default 250000]}.
 */
public final class LocalRun {

    public static void main(String[] args) {
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 250_000;
        System.exit(run(rows).stream().noneMatch(LocalRun::failed) ? 0 : 1);
    }

    /** Runs every step that exists so far and returns their outcomes, in order. */
    static List<OutcomeEvent> run(long rows) {
        long started = System.nanoTime();
        try (var stack = LocalStack.start(false)) {
            say("Started Kafka (%s), source PostgreSQL (port %d, wal_level=logical) and target PostgreSQL (port %d)",
                    stack.kafka.bootstrapServers(), stack.source.port(), stack.target.port());
            var sample = SampleCatalog.generate(stack.source, SampleSize.ofRows(rows));
            say("Generated sample catalog: %,d prunable rows in %s, rows spread over the last 12 months (%.1f s)",
                    sample.size().prunableRows(), sample.rosemeta(), sample.generationTime().toMillis() / 1000.0);

            stack.startService(PruneApplication.class, Map.of());
            String migrationId = "local-" + UUID.randomUUID().toString().substring(0, 8);
            var endpoint = sample.endpoint(SampleCatalog.ROSEMETA);

            say("Step 1, prune: dry run first, to see what would go");
            var dryRun = run(stack, new StartPrune(UUID.randomUUID(), migrationId, Instant.now(), endpoint, List.of(), PruneMode.DRY_RUN, null));
            say("Step 1, prune: purge");
            var purge = run(stack, new StartPrune(UUID.randomUUID(), migrationId, Instant.now(), endpoint, List.of(), PruneMode.PURGE, null));

            stack.startService(LineageApplication.class, Map.of());
            say("Lineage V2 to V3: %,d link rows in object_lineage_link", sample.size().lineageLinks());
            var lineage = run(stack, new StartLineageMigration(UUID.randomUUID(), migrationId, Instant.now(), endpoint,
                    sample.endpoint(SampleCatalog.LINEAGE), null));

            System.out.println();
            System.out.println("==== Report (migration " + migrationId + ") ====");
            report(dryRun);
            report(purge);
            report(lineage);
            System.out.printf(Locale.ROOT, "Whole local run: %.1f s%n", (System.nanoTime() - started) / 1e9);
            return List.of(dryRun, purge, lineage);
        }
    }

    private static OutcomeEvent run(LocalStack stack, StartPrune command) {
        stack.commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
        return stack.events.awaitOutcome(command.commandId(), Duration.ofMinutes(30));
    }

    private static OutcomeEvent run(LocalStack stack, StartLineageMigration command) {
        stack.commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
        return stack.events.awaitOutcome(command.commandId(), Duration.ofMinutes(30));
    }

    static boolean failed(OutcomeEvent outcome) {
        return outcome instanceof PruneFailed || outcome instanceof LineageMigrationFailed;
    }

    private static void report(OutcomeEvent outcome) {
        if (outcome instanceof PruneCompleted done) {
            System.out.printf(Locale.ROOT, "prune %s: completed in %.1f s, %,d rows deleted%n", done.mode(),
                    done.elapsedMillis() / 1000.0, done.rowsDeleted());
            for (PrunedTable t : done.tables()) {
                System.out.printf(Locale.ROOT, "  %-42s %-17s before %,10d  past retention %,10d  deleted %,10d  after %,10d%n",
                        t.table(), t.status(), t.rowsBefore(), t.pastRetentionBefore(), t.deleted(), t.rowsAfter());
            }
        } else if (outcome instanceof PruneFailed failed) {
            System.out.println("prune FAILED: " + failed.reason());
            System.out.println("  what to do: " + failed.action());
        } else if (outcome instanceof LineageMigrated migrated) {
            System.out.printf(Locale.ROOT, "lineage: %,d distinct links migrated as %,d edges and %,d nodes in %,d messages, "
                    + "%.1f s; validation passed, V3 enabled%n", migrated.sourceLinks(), migrated.edges(), migrated.nodes(),
                    migrated.messages(), migrated.elapsedMillis() / 1000.0);
        } else if (outcome instanceof LineageMigrationFailed failed) {
            System.out.println("lineage FAILED: " + failed.reason());
            System.out.println("  what to do: " + failed.action());
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "==> " + format + "%n", args);
    }

    private LocalRun() {
    }
}
