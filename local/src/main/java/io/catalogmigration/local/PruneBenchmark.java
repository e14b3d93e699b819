package io.catalogmigration.local;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;

import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Prunes about 60% of a generated catalog through the prune service (Kafka, planner, workers, ledger, pre- and
 * post-validation) while an application writes to the same tables, then deletes the same rows from an identical copy
 * with one {@code DELETE ... WHERE ts < cutoff} per table: the physical limit on this machine, measured in the same run.
 * Usage: {@code PruneBenchmark [prunable rows, default 5000000]}. The last line is the figure.
 */
public final class PruneBenchmark {

    /** Rows span the last 365 days evenly, so a 146-day retention leaves 40% and deletes 60%. */
    private static final String RETENTION = "P146D";

    /** The figures of one run; {@link #line()} is what the benchmark prints last. */
    record Result(long rowsDeleted, long limitRowsDeleted, double ours, double limit, Duration longestWriterWait) {

        String line() {
            return String.format(Locale.ROOT, "BENCH prune ours=%.0f limit=%.0f ratio=%.2f", ours, limit, ours / limit);
        }
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 5_000_000;
        System.out.println(run(rows).line());
        System.exit(0);
    }

    static Result run(long rows) throws Exception {
        try (var stack = LocalStack.start(true)) {
            var sample = SampleCatalog.generate(stack.source, SampleSize.ofRows(rows));
            long total = SampleCatalog.prunableTables().keySet().stream()
                    .mapToLong(t -> stack.source.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from " + t)).sum();
            System.out.printf(Locale.ROOT, "generated %,d rows in the prunable tables (%.1f s)%n", total,
                    sample.generationTime().toMillis() / 1000.0);
            stack.source.execute("postgres", "create database bench_ours template rosemeta",
                    "create database bench_limit template rosemeta");

            stack.startService(PruneApplication.class, Map.of(
                    "prune.groups.qli.older-than", RETENTION, "prune.groups.metadata.older-than", RETENTION,
                    "prune.groups.metrics.older-than", RETENTION));
            var command = new StartPrune(UUID.randomUUID(), "bench-prune", Instant.now(),
                    stack.source.endpoint("bench_ours"), List.of(), PruneMode.PURGE, null);

            stack.source.execute("bench_ours", "checkpoint");
            PruneCompleted outcome;
            Duration maxWait;
            long writes;
            long oursStarted = System.nanoTime();
            try (var application = new ApplicationWriter(stack.source, "bench_ours")) {
                stack.commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
                outcome = (PruneCompleted) stack.events.awaitOutcome(command.commandId(), Duration.ofHours(2));
                maxWait = application.maxWait();
                writes = application.writes();
            }
            double oursSeconds = (System.nanoTime() - oursStarted) / 1e9;
            double ours = outcome.rowsDeleted() / oursSeconds;
            System.out.printf(Locale.ROOT, "ours:  %,d rows deleted (%.0f%% of %,d) through the service in %.1f s%n",
                    outcome.rowsDeleted(), 100.0 * outcome.rowsDeleted() / total, total, oursSeconds);
            System.out.printf(Locale.ROOT, "application writer: %,d writes, longest wait %d ms%n", writes, maxWait.toMillis());

            stack.source.execute("bench_limit", "checkpoint");
            long limitRows = 0;
            long limitStarted = System.nanoTime();
            try (Connection c = stack.source.connect("bench_limit")) {
                for (PrunedTable table : childrenFirst(outcome.tables())) {
                    try (var ps = c.prepareStatement("delete from " + table.table() + " where \""
                            + SampleCatalog.prunableTables().get(table.table()) + "\" < ?")) {
                        ps.setTimestamp(1, Timestamp.from(table.cutoff()));
                        limitRows += ps.executeUpdate();
                    }
                }
            }
            double limitSeconds = (System.nanoTime() - limitStarted) / 1e9;
            double limit = limitRows / limitSeconds;
            System.out.printf(Locale.ROOT, "limit: %,d rows deleted by one DELETE per table in %.1f s%n", limitRows, limitSeconds);
            if (limitRows != outcome.rowsDeleted()) {
                System.out.printf("WARNING: the service deleted %d rows, the plain DELETEs %d%n", outcome.rowsDeleted(), limitRows);
            }
            return new Result(outcome.rowsDeleted(), limitRows, ours, limit, maxWait);
        }
    }

    /** {@link SampleCatalog#prunableTables()} lists parents first; the plain DELETEs must run children first. */
    private static List<PrunedTable> childrenFirst(List<PrunedTable> tables) {
        List<String> order = new ArrayList<>(SampleCatalog.prunableTables().keySet());
        java.util.Collections.reverse(order);
        return tables.stream().sorted(java.util.Comparator.comparingInt(t -> order.indexOf(t.table()))).toList();
    }

    private PruneBenchmark() {
    }
}
