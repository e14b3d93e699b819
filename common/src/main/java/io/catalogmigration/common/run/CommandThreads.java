package io.catalogmigration.common.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The threads a service carries its commands out on, away from the Kafka listener (the provisioner's one, the
 * replicator's one per database). When the service stops, the runs in progress are interrupted at once (Spring's own
 * executors would let them finish: up to an hour of waiting for RDS); they stay unfinished in the ledger and the
 * service's recovery runs them again on the next start.
 */
public class CommandThreads implements ApplicationListener<ContextClosedEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandThreads.class);
    private static final long STOP_SECONDS = 10;

    private final String what;
    protected final ExecutorService executor;

    /**
     * @param what    the threads as a log line names them, e.g. "the provisioning thread"
     * @param threads how many
     * @param name    the name of the n-th thread (from 1)
     */
    protected CommandThreads(String what, int threads, IntFunction<String> name) {
        this.what = what;
        var number = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            var thread = new Thread(runnable, name.apply(number.incrementAndGet()));
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The first thing a closing context does, before listeners, the ledger's pool or the producer are stopped. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        close();
    }

    @Override
    public void close() {
        if (executor.isShutdown()) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within {} s; the runs in progress resume when the service starts again", what,
                        STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
