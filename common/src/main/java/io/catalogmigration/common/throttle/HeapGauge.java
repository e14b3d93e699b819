package io.catalogmigration.common.throttle;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.DoubleSupplier;

/** Percent of the maximum heap in use right now. */
public class HeapGauge implements DoubleSupplier {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @Override
    public double getAsDouble() {
        var heap = memory.getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return 100.0 * heap.getUsed() / max;
    }
}
