package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.logging.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The threads a service carries its commands out on, away from the Kafka listener: the cutover's and the
 * provisioner's one, the replicator's one per database. The listener takes the next command at once, so one long run
 * (an RDS instance created, a database copied) never holds up the poll loop.
 *
 * <ul>
 *   <li>Commands of the same lane (the replicator's database) run one after the other in arrival order, even when one
 *       fails; commands of other lanes run at the same time on the free threads.</li>
 *   <li>A command already queued or running here is not taken twice ({@link #running}: recovery leaves it alone).</li>
 *   <li>When the service stops, or stops being the active instance, the runs in progress are interrupted at once
 *       (Spring's own executors would let them finish: up to an hour of waiting for RDS); they stay unfinished in the
 *       ledger and the service's recovery runs them again on the next start.</li>
 * </ul>
 */
public final class CommandThreads implements ApplicationListener<ContextClosedEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandThreads.class);

    private final String what;
    private final Duration stopWait;
    private final ExecutorService executor;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param what     the threads as a log line names them, e.g. "the provisioning thread"
     * @param threads  how many
     * @param name     the name of the n-th thread (from 1)
     * @param stopWait how long a stop waits for the interrupted runs to end (the cutover's releases the source first)
     */
    public CommandThreads(String what, int threads, IntFunction<String> name, Duration stopWait) {
        this.what = what;
        this.stopWait = stopWait;
        var number = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            var thread = new Thread(runnable, name.apply(number.incrementAndGet()));
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Carries the command's run out on a thread, after every earlier command of the same lane, under the run's logging
     * context. False, and nothing done, when the run is already queued or running here (a redelivery).
     */
    public boolean submit(MigrationCommand command, String lane, Runnable run) {
        return submit(command.getClass().getSimpleName(), command.migrationId(), command.commandId(), lane, run);
    }

    /**
     * {@link #submit(MigrationCommand, String, Runnable)} for a run taken up again without its command (by recovery or
     * a takeover): {@code what} names it in the log, e.g. "Publishing".
     */
    public synchronized boolean submit(String what, String migrationId, UUID runId, String lane, Runnable run) {
        if (!inFlight.add(runId)) {
            log.info("{} {} is already queued or running here: ignoring the redelivery", what, runId);
            return false;
        }
        String key = lane == null ? "" : lane;
        Runnable task = RunContext.wrap(migrationId, runId, () -> {
            try {
                run.run();
            } catch (RuntimeException e) {
                log.error("{} run {} stopped without an outcome: {}. It stays unfinished and runs again when the service "
                        + "restarts.", what, runId, e.getMessage(), e);
            } finally {
                inFlight.remove(runId);
            }
        });
        CompletableFuture<Void> previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> next;
        try {
            next = previous.handle((ok, failure) -> null).thenRunAsync(task, executor);
        } catch (RuntimeException e) {
            inFlight.remove(runId);
            throw e;
        }
        tails.put(key, next);
        next.whenComplete((ok, failure) -> {
            if (failure != null) {
                // rejected: the threads were stopped before the run began; it stays unfinished for the next start
                inFlight.remove(runId);
            }
            forget(key, next);
        });
        return true;
    }

    /** True while the run is queued or carried out here. */
    public boolean running(UUID runId) {
        return inFlight.contains(runId);
    }

    /** True once the service is stopping: a run checks it between steps, since an interrupt may be swallowed. */
    public boolean stopping() {
        return executor.isShutdown();
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
            if (!executor.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} s; the runs in progress resume when the service starts again", what,
                        stopWait.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
