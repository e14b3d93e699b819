package io.catalogmigration.local;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the heap in use every few milliseconds and keeps the peak, as a percentage of the maximum heap. */
final class HeapSampler implements AutoCloseable {

    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler() {
        var memory = ManagementFactory.getMemoryMXBean();
        thread = new Thread(() -> {
            while (running) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    double peakPercent() {
        return 100.0 * peak.get() / Runtime.getRuntime().maxMemory();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
