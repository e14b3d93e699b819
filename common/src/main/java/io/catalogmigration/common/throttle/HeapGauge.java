package io.catalogmigration.common.throttle;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Percent of the maximum heap still in use after the most recent garbage collection: the memory the service really
 * holds. Heap in use at any instant also counts garbage not yet collected, which rises and falls with allocation
 * whatever the consumers do, so pausing on it would throttle for nothing. Before the first collection, the instant
 * figure is all there is.
 */
public class HeapGauge implements DoubleSupplier {

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();

    @Override
    public double getAsDouble() {
        long max = Runtime.getRuntime().maxMemory();
        long live = heapPools.stream().mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
        long used = live > 0 ? live : Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        return 100.0 * used / max;
    }
}
