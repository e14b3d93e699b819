package io.catalogmigration.provisioner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.TaskExecutor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The one thread runs are carried out on, one at a time, away from the Kafka listener. When the service stops, the
 * run in progress is interrupted at once (Spring's own executors would let it finish: up to an hour of waiting for
 * RDS); it stays unfinished in the ledger and {@link ProvisionRecovery} runs it again on the next start.
 */
class ProvisioningThread implements TaskExecutor, ApplicationListener<ContextClosedEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningThread.class);
    private static final long STOP_SECONDS = 10;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        var thread = new Thread(runnable, "provisioning");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
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
                log.warn("The provisioning thread did not stop within {} s; its run resumes when the service starts again",
                        STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
