package io.catalogmigration.replicator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads runs are carried out on, away from the Kafka listener: {@code parallel-databases} of them, so one
 * database's long copy or index build does not hold up another's command. Commands for the same database run one
 * after the other in arrival order (a CHECK never overtakes the START it follows). When the service stops, the runs
 * in progress are interrupted at once, like the provisioner's; they stay unfinished in the ledger and
 * {@link ReplicateRecovery} runs them again on the next start.
 */
class DatabaseThreads implements ApplicationListener<ContextClosedEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseThreads.class);
    private static final long STOP_SECONDS = 10;

    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    DatabaseThreads(int threads) {
        var number = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            var thread = new Thread(runnable, "replicating-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the task after every earlier task of the same database, on the first free thread. */
    synchronized void execute(String database, Runnable task) {
        String key = database == null ? "" : database;
        CompletableFuture<Void> previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> next = previous.handle((ok, failure) -> null).thenRunAsync(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("A replicate run on {} stopped without an outcome: {}. It stays unfinished and runs again when "
                        + "the service restarts.", key.isEmpty() ? "the source" : key, e.getMessage(), e);
            }
        }, executor);
        tails.put(key, next);
        next.whenComplete((ok, failure) -> forget(key, next));
    }

    private synchronized void forget(String key, CompletableFuture<Void> done) {
        tails.remove(key, done);
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
                log.warn("The replicating threads did not stop within {} s; their runs resume when the service starts again",
                        STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
