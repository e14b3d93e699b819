package io.catalogmigration.local;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.lineage.LineageApplication;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.postgresql.PGConnection;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Migrates at least 2 million distinct lineage links (generated with duplicates) through the real broker and the
 * lineage migrator, source and target on separate PostgreSQL servers, then measures the physical limit in the same
 * run: one COPY of the same distinct links into an identical empty edge table. Then {@link LineageHeapBenchmark}
 * runs the service in a JVM of its own, without and with consumer throttling, and reports the heap peaks against the
 * threshold. Usage: {@code LineageBenchmark [distinct links]}.
 */
public final class LineageBenchmark {

    record Result(long links, long tableBytes, double ours, double linksJob, double limit, double oursSeconds, double peakHeapPercent,
                  double peakLivePercent, LineageHeapBenchmark.Result heap) {

        /**
         * The headline, like for like with the limit: links per second from START until the last link's edge is
         * committed (a raw COPY of the edges is what it is compared with), and the end-to-end figure beside it: START
         * to the outcome, with the nodes merged and source and graph compared as sets.
         */
        String line() {
            return String.format(Locale.ROOT, "BENCH lineage ours=%.0f limit=%.0f ratio=%.2f end_to_end=%.0f end_to_end_ratio=%.2f",
                    linksJob, limit, linksJob / limit, ours, ours / limit);
        }

        /** The heap pass's line (LineageHeapBenchmark: the service in a JVM of its own), null when it did not run. */
        String heapLine() {
            return heap == null ? null : heap.line();
        }
    }

    public static void main(String[] args) throws Exception {
        long links = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 2_000_000;
        // -Dbench.lineage.heap-passes=false: the speed pass alone (the heap passes take minutes more).
        var result = run(links, Boolean.parseBoolean(System.getProperty("bench.lineage.heap-passes", "true")));
        if (result.heapLine() != null) {
            System.out.println(result.heapLine());
        }
        System.out.println(result.line());
        System.exit(0);
    }

    static Result run(long distinctLinks, boolean throttledPass) throws Exception {
        try (var stack = LocalStack.start(true)) {
            // Warm-up runs first, of up to 2 M links each: the service, the broker and the benchmark share one JVM on two
            // cores, and its compilers took 18.8 s in a first 2 M-link run, 13.2 s in a second, 8.2 s in a third (the
            // JVM's compilation time: elapsed, summed over its compiler threads), which after one warm-up run still
            // slowed the measured run by about a tenth. A service that runs for the hours a catalog of hundreds of GB
            // takes pays that once; the figure is taken warm, and the compilers' time is printed for every run.
            generate(stack, Math.min(distinctLinks, 2_000_000));
            var service = stack.startService(LineageApplication.class, Map.of());
            long warmUpLinks = stack.source.queryForLong(SampleCatalog.ROSEMETA,
                    "select count(*) from (select 1 from object_lineage_link group by source, source_otype, target, target_otype) l");
            int warmUps = Integer.getInteger("bench.lineage.warm-ups", 3);
            for (int pass = 1; pass <= warmUps; pass++) {
                long started = System.nanoTime();
                long compiling = compilersMillis();
                migrate(stack, stack.target.createDatabase("lineage_warmup" + pass), warmUpLinks);
                send(stack, new ResetLineagePointer(UUID.randomUUID(), "bench-lineage", Instant.now()));
                System.out.printf(Locale.ROOT, "warm-up %d of %d: %,d links migrated in %.1f s (links job %.1f s%s; compilers "
                                + "%.1f s), pointer reset%n", pass, warmUps, warmUpLinks, (System.nanoTime() - started) / 1e9,
                        linksJobSeconds(stack), pass == 1 ? ", from a cold JVM" : "", (compilersMillis() - compiling) / 1e3);
            }

            generate(stack, distinctLinks);
            long links = stack.source.queryForLong(SampleCatalog.ROSEMETA,
                    "select count(*) from (select 1 from object_lineage_link group by source, source_otype, target, target_otype) l");
            long bytes = stack.source.queryForLong(SampleCatalog.ROSEMETA, "select pg_total_relation_size('object_lineage_link')");
            System.out.printf(Locale.ROOT, "source: %,d rows, %,d distinct links, object_lineage_link %.1f MB%n",
                    stack.source.queryForLong(SampleCatalog.ROSEMETA, "select count(*) from object_lineage_link"), links, bytes / 1048576.0);

            double seconds;
            double linksJobSeconds;
            double peak;
            double peakLive;
            // -Dbench.lineage.sample-queries=true: what the servers' sessions were found running, printed after the run.
            boolean sampling = Boolean.getBoolean("bench.lineage.sample-queries");
            try (var heap = new HeapSampler();
                 var sourceQueries = sampling ? new QuerySampler(stack.source) : null;
                 var targetQueries = sampling ? new QuerySampler(stack.target) : null) {
                long compiling = compilersMillis();
                seconds = migrate(stack, stack.target.createDatabase("lineage_ours"), links);
                System.out.printf(Locale.ROOT, "measured run: compilers %.1f s%n", (compilersMillis() - compiling) / 1e3);
                linksJobSeconds = linksJobSeconds(stack);
                peak = heap.peakPercent();
                peakLive = heap.peakLivePercent();
                if (sampling) {
                    sourceQueries.report("source server", 10);
                    targetQueries.report("target server (lineage database and control database)", 25);
                }
            }
            double ours = links / seconds;
            double linksJob = links / linksJobSeconds;
            System.out.printf(Locale.ROOT, "links job: START to the last edge committed (and keyed) in %.1f s (%,.0f links/s); then the nodes "
                    + "and the comparison of both sides as sets took %.1f s%n", linksJobSeconds, linksJob, seconds - linksJobSeconds);
            double hoursPerGb = (seconds / 3600) / (bytes / (1024.0 * 1024 * 1024));
            System.out.printf(Locale.ROOT, "ours:  %,d links through Kafka and the service in %.1f s (%,.0f links/s; %.3f hours per GB "
                    + "of link data, the runbook's figure is about 1); heap peak %.0f%% of %d MB in use, %.0f%% live after GC%n",
                    links, seconds, ours, hoursPerGb, peak, Runtime.getRuntime().maxMemory() >> 20, peakLive);

            double limitSeconds = copyLimit(stack, links);
            double limit = links / limitSeconds;
            System.out.printf(Locale.ROOT, "limit: COPY of the same %,d distinct links into an empty edge table in %.1f s (%,.0f links/s)%n",
                    links, limitSeconds, limit);

            LineageHeapBenchmark.Result heap = null;
            if (throttledPass) {
                // The heap passes run the service in JVMs of their own; this one must not answer their commands.
                ServiceRunner.stop(service);
                heap = LineageHeapBenchmark.run(stack, links);
            }
            return new Result(links, bytes, ours, linksJob, limit, seconds, peak, peakLive, heap);
        }
    }

    /** The JVM's compilation time so far: elapsed, summed over its compiler threads, whatever they compiled. */
    private static long compilersMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** A fifth of the rows repeat another link, so this many rows give about the wanted distinct links. */
    private static void generate(LocalStack stack, long distinctLinks) {
        SampleCatalog.generate(stack.source, new SampleSize(10, 1, 1, 10, 10, 10, 1, (int) Math.ceil(distinctLinks / 0.8), 0.2));
    }

    private static double migrate(LocalStack stack, PgEndpoint target, long links) {
        var command = new StartLineageMigration(UUID.randomUUID(), "bench-lineage", Instant.now(),
                stack.source.endpoint(SampleCatalog.ROSEMETA), target, null);
        long started = System.nanoTime();
        var outcome = send(stack, command);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!(outcome instanceof LineageMigrated migrated) || migrated.edges() != links) {
            throw new IllegalStateException("the migration did not complete exactly: " + outcome);
        }
        return seconds;
    }

    /**
     * The last run's links job, from the ledger: its start to the last message persisted, or, after a first load
     * into an empty edge table, to the edge key built once the links were in (the edges are not all there, keyed, before).
     */
    private static double linksJobSeconds(LocalStack stack) {
        return stack.target.queryForLong(ServiceRunner.CONTROL_DATABASE, """
                select (extract(epoch from greatest(
                            (select max(ts_done) from lineage.link_batch where run_id = r.run_id),
                            (select max(m.ts) from lineage.run_message m
                             where m.message like 'Built the edge table''s primary key%' and m.ts >= r.ts_started))
                        - r.ts_started) * 1000)::bigint
                from lineage.run r where r.kind = 'lineage' order by r.ts_started desc limit 1""") / 1000.0;
    }

    private static io.catalogmigration.common.contract.OutcomeEvent send(LocalStack stack, LineageCommand command) {
        stack.commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
        return stack.events.awaitOutcome(command.commandId(), Duration.ofHours(2));
    }

    /**
     * The rows are written to a file first (in the page cache at these sizes; 20 M links do not fit the benchmark's
     * heap), so only the COPY into the edge table is timed.
     */
    private static double copyLimit(LocalStack stack, long links) throws Exception {
        Path rows = Files.createTempFile("lineage-limit", ".copy");
        try {
            try (var source = stack.source.connect(SampleCatalog.ROSEMETA);
                 var out = new BufferedOutputStream(Files.newOutputStream(rows), 1 << 20)) {
                // In key order, as the service writes them: without an order the planner's choice decided it, and
                // at 20 M links the same COPY took 74.5 s in one run and 273.6 s in another.
                source.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select source_otype, source, target_otype, "
                        + "target, 1 from object_lineage_link group by source, source_otype, target, target_otype "
                        + "order by source, source_otype, target, target_otype) to stdout", out);
            }
            var limitDb = stack.target.createDatabase("lineage_limit");
            try (var in = LineageBenchmark.class.getClassLoader().getResourceAsStream("db/lineage-graph/V1__graph.sql")) {
                stack.target.execute(limitDb.database(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            try (var target = stack.target.connect(limitDb.database());
                 var in = new BufferedInputStream(Files.newInputStream(rows), 1 << 20)) {
                long started = System.nanoTime();
                long copied = target.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "copy edge (source_otype, source_id, target_otype, target_id, relation_type) from stdin", in);
                double seconds = (System.nanoTime() - started) / 1e9;
                if (copied != links) {
                    throw new IllegalStateException("COPY wrote " + copied + " rows, expected " + links);
                }
                return seconds;
            }
        } finally {
            Files.deleteIfExists(rows);
        }
    }

    private LineageBenchmark() {
    }
}
