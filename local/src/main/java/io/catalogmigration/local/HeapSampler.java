package io.catalogmigration.local;

import io.catalogmigration.common.throttle.HeapGauge;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap every few milliseconds and keeps two peaks, as percentages of the maximum heap: heap in use at
 * any instant (garbage included) and the consumer throttle's own reading (old generation and survivors, HeapGauge).
 */
final class HeapSampler implements AutoCloseable {

    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakLiveBasisPoints = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler() {
        var memory = ManagementFactory.getMemoryMXBean();
        var gauge = new HeapGauge();
        thread = new Thread(() -> {
            while (running) {
                peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                peakLiveBasisPoints.accumulateAndGet(Math.round(gauge.getAsDouble() * 100), Math::max);
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
        return 100.0 * peakUsed.get() / Runtime.getRuntime().maxMemory();
    }

    double peakLivePercent() {
        return peakLiveBasisPoints.get() / 100.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
