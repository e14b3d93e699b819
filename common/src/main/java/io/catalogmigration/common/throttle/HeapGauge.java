package io.catalogmigration.common.throttle;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

/**
 * What the throttle's threshold promises: the percent of the maximum heap held now by what has survived garbage
 * collection, that is every heap pool except the young allocation area (eden): the old generation (with G1's
 * humongous regions) and the survivor spaces, read from each pool's current usage ({@code MemoryPoolMXBean.getUsage},
 * what {@code jstat -gc} shows as S0U + S1U + OU). Eden is left out because it fills with garbage and empties at
 * every young collection whatever the consumers hold, so pausing on it would throttle for nothing; the old
 * generation's collection usage is not used either, because G1 updates it only after a mixed or full collection
 * and it can read far less than the old generation holds (the reading this replaced said 3 % while 14 % was held).
 * With a collector of one heap pool (ZGC, Shenandoah) the reading is the whole heap in use.
 */
public class HeapGauge implements DoubleSupplier {

    private final List<MemoryPoolMXBean> retained = counted();

    private static List<MemoryPoolMXBean> counted() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && !allocationArea(pool))
                .toList();
    }

    /** Listens to every collection once per JVM, whatever the number of gauges. */
    private static final class CollectionPeak {

        static final AtomicLong PEAK = new AtomicLong();

        static {
            Set<String> pools = counted().stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> {
                        GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                        PEAK.accumulateAndGet(Math.max(sum(info.getMemoryUsageBeforeGc(), pools),
                                sum(info.getMemoryUsageAfterGc(), pools)), Math::max);
                    }, notification -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType()),
                            null);
                }
            }
        }

        private static long sum(Map<String, MemoryUsage> usage, Set<String> pools) {
            return usage.entrySet().stream().filter(e -> pools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
        }

        private CollectionPeak() {
        }
    }

    public HeapGauge() {
        CollectionPeak.PEAK.accumulateAndGet(0, Math::max); // starts listening
    }

    /** Eden (G1, Parallel, Serial) or a generational ZGC's young generation: where new objects are made. */
    static boolean allocationArea(MemoryPoolMXBean pool) {
        return pool.getName().contains("Eden") || pool.getName().contains("Young");
    }

    /** Bytes held by the pools the reading counts. */
    public long retainedBytes() {
        return retained.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
    }

    /**
     * The highest the reading has been since the JVM (or the first gauge) started: the counted pools' usage summed as
     * every collection saw it, before and after (one instant each, from the collector's own notification, so also what
     * a humongous allocation added between two samples), and the reading now. Between two collections the reading only
     * grows (promotion happens in collections, humongous objects go straight to the old generation), so nothing is
     * missed. Not the pools' own peak records: those are per pool, at different moments, and G1's lagged a sample
     * (49.0 % recorded, 50.9 % read).
     */
    public long peakRetainedBytes() {
        return Math.max(CollectionPeak.PEAK.get(), retainedBytes());
    }

    public double peakPercent() {
        return 100.0 * peakRetainedBytes() / maxBytes();
    }

    /**
     * Asks the JVM to collect the whole heap, so the reading falls to what is really held. With G1 a full, parallel
     * collection; {@code -XX:+ExplicitGCInvokesConcurrent} makes it a concurrent cycle (for large heaps),
     * {@code -XX:+DisableExplicitGC} turns it off (then a break helps only once the collector runs by itself).
     */
    @SuppressWarnings("java:S1215")
    void collect() {
        System.gc();
    }

    /** The heap's limit (-Xmx). */
    public static long maxBytes() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }

    @Override
    public double getAsDouble() {
        return 100.0 * retainedBytes() / maxBytes();
    }
}
