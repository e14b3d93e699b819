package io.catalogmigration.common.throttle;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.function.DoubleSupplier;

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

    private final List<MemoryPoolMXBean> retained = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && !allocationArea(pool))
            .toList();

    /** Eden (G1, Parallel, Serial) or a generational ZGC's young generation: where new objects are made. */
    static boolean allocationArea(MemoryPoolMXBean pool) {
        return pool.getName().contains("Eden") || pool.getName().contains("Young");
    }

    /** Bytes held by the pools the reading counts. */
    public long retainedBytes() {
        return retained.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
    }

    /**
     * The highest the reading has been: each counted pool's peak usage as the JVM records it (at the start and end of
     * every collection, so also what a humongous allocation added between two samples), or its usage now if that is
     * higher (since the last collection), summed. The pools may peak at different moments, which puts this above the
     * reading's peak; G1's records can also lag it (the lineage benchmark once sampled 50.9 % against a record of 49.0 %),
     * so a reader that must not miss the peak samples the reading too and takes the higher.
     */
    public long peakRetainedBytes() {
        return retained.stream().mapToLong(pool -> Math.max(pool.getPeakUsage().getUsed(), pool.getUsage().getUsed())).sum();
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
