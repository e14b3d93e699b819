package io.catalogmigration.common.throttle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

import java.util.function.DoubleSupplier;

/**
 * Gives consumers a break between batches while memory is tight. The break is taken on the consumer's own thread,
 * between two polls, and nothing is asked of the container from another thread: a container paused here and resumed by
 * a timer was woken by that resume while its consumer committed after a rebalance, and Spring Kafka then dropped the
 * records that poll had just returned (their offsets were committed later, so they were lost for good: issue #15).
 * A break is at most a minute ({@link ConsumerThrottlingProperties}), far inside {@code max.poll.interval.ms}, so the
 * consumer keeps its partitions; a rebalance waits for it at most that long.
 */
public class ConsumerThrottle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerThrottle.class);
    private static final java.time.Duration WATCH_INTERVAL = java.time.Duration.ofMillis(100);
    private static final java.time.Duration MAX_COLLECTION_INTERVAL = java.time.Duration.ofMinutes(1);

    private final ConsumerThrottlingProperties settings;
    private final DoubleSupplier heapPercent;
    private final TaskScheduler scheduler;
    private final Counter pauses;
    private double lastReading = Double.NaN;
    private double largestRise;
    private long lastCollection = System.nanoTime() - Long.MAX_VALUE / 2;
    private long collectionInterval;

    public ConsumerThrottle(ConsumerThrottlingProperties settings, DoubleSupplier heapPercent,
                            TaskScheduler scheduler, MeterRegistry meters) {
        this.settings = settings;
        this.heapPercent = heapPercent;
        this.scheduler = scheduler;
        this.collectionInterval = settings.duration().toNanos();
        this.pauses = Counter.builder("migration.consumer.throttle.pauses")
                .description("Breaks consumers (and the lineage publisher) took because heap use was over the threshold")
                .register(meters);
        // The reading the threshold is compared with (see HeapGauge), on the metrics endpoint next to the pauses.
        io.micrometer.core.instrument.Gauge.builder("migration.consumer.throttle.heap", heapPercent, DoubleSupplier::getAsDouble)
                .description("Percent of the maximum heap the throttle reads as in use (old generation and survivors)")
                .baseUnit("percent")
                .strongReference(true)
                .register(meters);
        if (heapPercent instanceof HeapGauge heap) {
            // Its peak as the JVM records it at collections: catches what falls between two reads of the endpoint.
            io.micrometer.core.instrument.Gauge.builder("migration.consumer.throttle.heap.peak", heap, HeapGauge::peakPercent)
                    .description("Highest percent of the maximum heap held by the old generation and survivors since the JVM started")
                    .baseUnit("percent")
                    .strongReference(true)
                    .register(meters);
            if (settings.enabled()) {
                // Between two batches other threads (a publisher, a validation) fill the heap too, and under load a
                // batch can take seconds: the heap is watched in between, and collected before it crosses the threshold.
                scheduler.scheduleAtFixedRate(this::watch, WATCH_INTERVAL);
            }
        }
    }

    /** Collects (at most once per break's duration) when the reading plus its recent largest rise reaches the threshold. */
    private void watch() {
        double used = heapPercent.getAsDouble();
        double headroom;
        synchronized (this) {
            headroom = margin();
        }
        if (used + headroom >= settings.threshold()) {
            collect();
        }
    }

    /**
     * Called on the consumer's thread after each batch. Takes a break of the configured duration there when the
     * reading, plus the largest rise it has shown between two batches lately, reaches the threshold: the next batch
     * could take it over, and the threshold is a ceiling, not a trigger. At the break the heap is collected (once per
     * break however many consumers take one), because what the reading counts, the old generation, shrinks only when it
     * is collected: a break alone frees nothing, and G1 starts collecting it by itself only at its own occupancy
     * threshold, often above ours. The break ends early when the container stops, and lasts at most {@code longest}:
     * the consumer must poll again inside {@code max.poll.interval.ms} or be thrown out of its group.
     */
    public void afterBatch(MessageListenerContainer container, java.time.Duration longest) {
        breakIfTight(container.getListenerId(), container::isRunning, longest);
    }

    /**
     * The same break for any thread that fills the heap in bulk (the lineage publisher's windows of messages): taken
     * on the caller's thread while {@code running} says so, at most {@code longest}. Without it the consumers' breaks
     * could not hold the heap while a publisher in the same JVM kept filling it.
     */
    public void breakIfTight(String who, java.util.function.BooleanSupplier running, java.time.Duration longest) {
        if (!settings.enabled()) {
            return;
        }
        double used = heapPercent.getAsDouble();
        double headroom = headroom(used);
        if (used + headroom < settings.threshold()) {
            return;
        }
        pauses.increment();
        log.info("Heap at {}% (threshold {}%, rising up to {}% between batches): {} takes a {} ms break before the next batch",
                Math.round(used), settings.threshold(), Math.round(headroom), who, settings.duration().toMillis());
        long start = System.nanoTime();
        collect();
        long left = Math.min(settings.duration().toMillis(), longest.toMillis())
                - java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (left > 0) {
            try {
                ListenerUtils.conditionalSleep(running::getAsBoolean, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The largest rise of the reading between two batches, fading as batches go by (see {@link #margin}). */
    private synchronized double headroom(double used) {
        if (!Double.isNaN(lastReading) && used > lastReading) {
            largestRise = Math.max(largestRise, used - lastReading);
        }
        lastReading = used;
        double headroom = margin();
        largestRise *= 0.98;
        return headroom;
    }

    /**
     * How far below the threshold the throttle acts: the largest recent rise, at most a quarter of the threshold and at
     * least a tenth. The floor is for what rises between two readings without a batch to show it (other threads, the
     * watch's interval): with none, a throttled benchmark run held the reading at 22.1 % against a threshold of 22, and
     * with a twentieth at 19.9 % against 20.
     */
    private double margin() {
        return Math.max(Math.min(largestRise, settings.threshold() / 4.0), settings.threshold() / 10.0);
    }

    /**
     * At most once per break's duration; when a collection leaves the reading near the threshold anyway (what is held
     * is really that much, not garbage), the wait before the next one doubles, up to a minute, so a live set over the
     * threshold does not cost a full collection every second: the breaks alone go on.
     */
    private void collect() {
        if (heapPercent instanceof HeapGauge heap) {
            long now = System.nanoTime();
            synchronized (this) {
                if (now - lastCollection < collectionInterval) {
                    return;
                }
                lastCollection = now;
            }
            heap.collect();
            double after = heapPercent.getAsDouble();
            synchronized (this) {
                boolean helped = after + margin() < settings.threshold();
                collectionInterval = helped ? settings.duration().toNanos()
                        : Math.min(Math.max(collectionInterval, 1_000_000L) * 2, MAX_COLLECTION_INTERVAL.toNanos());
            }
        }
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Breaks taken since the service started. */
    public double pauses() {
        return pauses.count();
    }
}
