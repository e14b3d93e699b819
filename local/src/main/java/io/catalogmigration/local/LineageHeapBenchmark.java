package io.catalogmigration.local;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.lineage.LineageApplication;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceProcess;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory half of the lineage benchmark: the lineage migrator runs in a JVM of its own (its own {@code -Xmx}, the
 * consumers with nothing of the benchmark's beside them), once without and once with consumer throttling, and the
 * throttle's reading (old generation and survivors, HeapGauge) is read in that JVM, from its metrics endpoint: the
 * reading's peak as every collection saw it ({@code migration.consumer.throttle.heap.peak}) and the current reading
 * sampled every 50 ms; the peak reported is the higher of the two. The threshold is {@code bench.lineage.threshold} (percent) or, unset, halfway between
 * the reading at rest and the unthrottled peak: a ceiling well above what the service holds idle that the run, left
 * alone, goes over.
 * Prints {@code BENCH lineage-heap throttled_peak=<MB> threshold=<MB> unthrottled_peak=<MB> pauses=<n>}.
 */
final class LineageHeapBenchmark {

    /** The child's heap; small, so the consumers' own use is a visible share of it. */
    static final String HEAP = System.getProperty("bench.lineage.heap", "384m");
    /** Unset: halfway between the reading at rest and the unthrottled peak. */
    static final Integer THRESHOLD = Integer.getInteger("bench.lineage.threshold");

    record Pass(double restPercent, double recordedPeakPercent, double sampledPeakPercent, double pauses, double seconds,
                double maxMb) {

        /** The higher of the two: what the collections saw and the highest sample. */
        double peakPercent() {
            return Math.max(recordedPeakPercent, sampledPeakPercent);
        }
    }

    record Result(Pass unthrottled, Pass throttled, int threshold) {

        String line() {
            double mb = throttled.maxMb() / 100;
            return String.format(Locale.ROOT, "BENCH lineage-heap throttled_peak=%.0f threshold=%.0f unthrottled_peak=%.0f pauses=%.0f",
                    throttled.peakPercent() * mb, threshold * mb, unthrottled.peakPercent() * mb, throttled.pauses());
        }
    }

    /** Only the heap passes: {@code LineageHeapBenchmark [distinct links]} (the whole benchmark is LineageBenchmark). */
    public static void main(String[] args) {
        long wanted = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 300_000;
        try (var stack = LocalStack.start(true)) {
            SampleCatalog.generate(stack.source, new SampleSize(10, 1, 1, 10, 10, 10, 1, (int) Math.ceil(wanted / 0.8), 0.2));
            long links = stack.source.queryForLong(SampleCatalog.ROSEMETA,
                    "select count(*) from (select 1 from object_lineage_link group by source, source_otype, target, target_otype) l");
            System.out.println(run(stack, links).line());
        }
        System.exit(0);
    }

    /** Runs both passes against the stack's source (generated, {@code links} distinct links); no other lineage instance may run. */
    static Result run(LocalStack stack, long links) {
        Pass unthrottled = pass(stack, links, "lineage_heap_free", Map.of("migration.consumer-throttling.enabled", false));
        System.out.printf(Locale.ROOT, "heap, unthrottled: the service in its own JVM (-Xmx%s): reading %.1f%% at rest, peaked at "
                        + "%.1f%% (recorded %.1f%%, sampled %.1f%%), %.1f s%n", HEAP, unthrottled.restPercent(), unthrottled.peakPercent(),
                unthrottled.recordedPeakPercent(),
                unthrottled.sampledPeakPercent(), unthrottled.seconds());
        int threshold = THRESHOLD != null ? THRESHOLD
                : (int) Math.round((unthrottled.restPercent() + unthrottled.peakPercent()) / 2);
        Pass throttled = pass(stack, links, "lineage_heap_throttled", Map.of("migration.consumer-throttling.enabled", true,
                "migration.consumer-throttling.threshold", threshold, "migration.consumer-throttling.duration", "200ms"));
        System.out.printf(Locale.ROOT, "heap, throttled at %d%%: reading %.1f%% at rest, peaked at %.1f%% (recorded "
                        + "%.1f%%, sampled %.1f%%), %.0f pauses, %.1f s%n", threshold, throttled.restPercent(), throttled.peakPercent(),
                throttled.recordedPeakPercent(),
                throttled.sampledPeakPercent(), throttled.pauses(), throttled.seconds());
        return new Result(unthrottled, throttled, threshold);
    }

    private static Pass pass(LocalStack stack, long links, String database, Map<String, Object> throttling) {
        var target = stack.target.createDatabase(database);
        try (var service = ServiceProcess.start(database, LineageApplication.class.getName(), HEAP, stack.target,
                stack.kafka.bootstrapServers(), throttling)) {
            double rest = service.metric("migration.consumer.throttle.heap").orElseThrow();
            // The pointer back at 0, so the run migrates every link into its own empty database.
            send(stack, new ResetLineagePointer(UUID.randomUUID(), "bench-lineage-heap", Instant.now()));
            var sampled = new AtomicLong();
            var sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    service.metric("migration.consumer.throttle.heap")
                            .ifPresent(p -> sampled.accumulateAndGet(Math.round(p * 100), Math::max));
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler-" + database);
            sampler.setDaemon(true);
            sampler.start();
            long started = System.nanoTime();
            var outcome = send(stack, new StartLineageMigration(UUID.randomUUID(), "bench-lineage-heap", Instant.now(),
                    stack.source.endpoint(SampleCatalog.ROSEMETA), target, null));
            double seconds = (System.nanoTime() - started) / 1e9;
            sampler.interrupt();
            if (!(outcome instanceof LineageMigrated migrated) || migrated.edges() != links) {
                throw new IllegalStateException("the migration in " + service + " did not complete exactly: " + outcome
                        + "\n" + service.tail());
            }
            double peak = service.metric("migration.consumer.throttle.heap.peak").orElseThrow();
            double pauses = service.metric("migration.consumer.throttle.pauses").orElse(0);
            return new Pass(rest, peak, sampled.get() / 100.0, pauses, seconds, heapMb());
        }
    }

    /** The child's -Xmx (= -Xms) in MB: what the throttle's percentages are of. */
    static double heapMb() {
        String heap = HEAP.toLowerCase(Locale.ROOT);
        double value = Double.parseDouble(heap.replaceAll("[kmg]$", ""));
        return heap.endsWith("g") ? value * 1024 : heap.endsWith("k") ? value / 1024 : heap.endsWith("m") ? value : value / 1048576;
    }

    private static OutcomeEvent send(LocalStack stack, LineageCommand command) {
        stack.commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
        return stack.events.awaitOutcome(command.commandId(), Duration.ofHours(2));
    }

    private LineageHeapBenchmark() {
    }
}
