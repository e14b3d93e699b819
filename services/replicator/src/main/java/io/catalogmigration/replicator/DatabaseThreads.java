package io.catalogmigration.replicator;

import io.catalogmigration.common.run.CommandThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The threads runs are carried out on, away from the Kafka listener: {@code parallel-databases} of them, so one
 * database's long copy or index build does not hold up another's command. Commands for the same database run one
 * after the other in arrival order (a CHECK never overtakes the START it follows). When the service stops, the runs
 * in progress are interrupted at once (common's CommandThreads); they stay unfinished in the ledger and
 * {@link ReplicateRecovery} runs them again on the next start.
 */
class DatabaseThreads extends CommandThreads {

    private static final Logger log = LoggerFactory.getLogger(DatabaseThreads.class);

    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    DatabaseThreads(int threads) {
        super("The replicating threads", threads, n -> "replicating-" + n);
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
}
