package io.catalogmigration.common.throttle;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle reads what its threshold promises (the heap held by the old generation and survivors), checked
 * against the JVM's own memory pool beans, in this JVM, with memory really held.
 */
class HeapGaugeTest {

    /** Arrays large enough to be allocated in the old generation at once (G1 humongous objects). */
    private static final int CHUNK = 8 << 20;

    private final HeapGauge gauge = new HeapGauge();

    @Test
    void readsWhatTheOldGenerationHoldsThoughNoOldCollectionHasRunSince() {
        List<byte[]> held = hold(Math.max(96L << 20, HeapGauge.maxBytes() / 25));
        churnYoungCollections();

        double reading = gauge.getAsDouble();
        long heldBytes = held.stream().mapToLong(a -> a.length).sum();
        long oldGeneration = heapPools().stream().filter(p -> !HeapGauge.allocationArea(p))
                .mapToLong(p -> p.getUsage().getUsed()).sum();
        long heapInUse = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        assertThat(reading).as("the reading covers the memory held").isGreaterThanOrEqualTo(percent(heldBytes));
        assertThat(reading).as("old generation and survivors by the pool beans").isCloseTo(percent(oldGeneration),
                org.assertj.core.data.Offset.offset(percent(CHUNK)));
        assertThat(reading).as("never more than the heap in use").isLessThanOrEqualTo(percent(heapInUse) + percent(CHUNK));
        held.clear();
    }

    @Test
    void theThrottlePausesWhenWhatIsHeldCrossesTheThresholdAndTheReadingIsAGauge() {
        var scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        var meters = new SimpleMeterRegistry();
        try {
            System.gc();
            double before = gauge.getAsDouble();
            int threshold = (int) Math.ceil(before) + 2;
            var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, threshold, Duration.ofMillis(10)),
                    gauge, scheduler, meters);
            var container = stopped();

            throttle.afterBatch(container, Duration.ofMinutes(1));
            assertThat(throttle.pauses()).as("under the threshold (" + before + "% < " + threshold + "%)").isZero();

            List<byte[]> held = hold((long) ((threshold - before + 1) * HeapGauge.maxBytes() / 100));
            churnYoungCollections();
            throttle.afterBatch(container, Duration.ofMinutes(1));

            assertThat(throttle.pauses()).as("over the threshold: " + gauge.getAsDouble() + "%").isEqualTo(1);
            assertThat(meters.get("migration.consumer.throttle.heap").gauge().value()).isGreaterThanOrEqualTo(threshold);
            assertThat(meters.get("migration.consumer.throttle.pauses").counter().count()).isEqualTo(1);
            held.clear();
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void garbageTheReadingCountsIsCollectedBeforeItCrossesTheThresholdEvenBetweenBatches() {
        var scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        try {
            System.gc();
            double before = gauge.getAsDouble();
            int threshold = (int) Math.ceil(before) + 3;
            var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, threshold, Duration.ofMillis(10)),
                    gauge, scheduler, new SimpleMeterRegistry());
            List<byte[]> garbage = hold((long) ((threshold - before + 2) * HeapGauge.maxBytes() / 100));
            long garbageBytes = garbage.stream().mapToLong(a -> a.length).sum();
            garbage.clear();

            // No batch ends meanwhile: the throttle's watch collects what no longer is referenced but still counted.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(gauge.getAsDouble()).as("collected: what is really held").isLessThan(threshold);
                assertThat(gauge.peakRetainedBytes()).as("it was counted before the collection").isGreaterThanOrEqualTo(garbageBytes);
            });
            throttle.afterBatch(stopped(), Duration.ofMinutes(1));
            assertThat(throttle.pauses()).as("nothing to pause for any more").isZero();
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void theThrottlePausesBeforeTheNextBatchCouldTakeTheReadingOverTheThreshold() {
        var readings = new java.util.ArrayDeque<>(List.of(10.0, 14.0, 18.0, 22.0));
        var scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        try {
            var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 25, Duration.ofMillis(10)),
                    readings::removeFirst, scheduler, new SimpleMeterRegistry());
            for (int batch = 0; batch < 3; batch++) {
                throttle.afterBatch(stopped(), Duration.ofMinutes(1));
            }
            assertThat(throttle.pauses()).as("18 % and rising 4 % a batch: the next batch stays under 25 %").isZero();

            throttle.afterBatch(stopped(), Duration.ofMinutes(1));
            assertThat(throttle.pauses()).as("22 % and rising 4 % a batch: the next one could reach 26 %").isEqualTo(1);
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void thePeakIsWhatTheCollectionsSawAndCoversWhatWasHeldThoughNobodyReadItThen() {
        List<byte[]> held = hold(Math.max(64L << 20, HeapGauge.maxBytes() / 30));
        long heldBytes = held.stream().mapToLong(a -> a.length).sum();
        held.clear();
        System.gc();

        // The collector's notifications arrive on a JVM thread of their own, shortly after the collection.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(gauge.peakRetainedBytes())
                .as("what the collection found in the old generation before freeing it").isGreaterThanOrEqualTo(heldBytes));
        assertThat(gauge.getAsDouble()).as("collected: the reading now is below").isLessThan(gauge.peakPercent());
    }

    private static List<byte[]> hold(long bytes) {
        List<byte[]> held = new ArrayList<>();
        for (long total = 0; total < bytes; total += CHUNK) {
            byte[] chunk = new byte[CHUNK];
            chunk[chunk.length - 1] = 1;
            held.add(chunk);
        }
        return held;
    }

    /** Garbage enough for young collections, which do not refresh the old generation's collection usage. */
    private static void churnYoungCollections() {
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += new byte[1024].length;
        }
        assertThat(sink).isPositive();
    }

    private static double percent(long bytes) {
        return 100.0 * bytes / HeapGauge.maxBytes();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    /** A container that has stopped: a break ends at once. */
    private static org.springframework.kafka.listener.MessageListenerContainer stopped() {
        var spy = new ContainerSpy();
        spy.running = false;
        return spy.proxy();
    }
}
