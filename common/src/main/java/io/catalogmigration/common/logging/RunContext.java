package io.catalogmigration.common.logging;

import org.slf4j.MDC;

import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The run a thread is working on, in the logging context (SLF4J's MDC): while it is set, every log line carries
 * {@code migrationId} and {@code runId}; in the JSON logs ({@code logging.structured.format.console}) they are fields
 * of their own, so one run's lines can be found among every service's. The Kafka listeners set it per record
 * ({@link io.catalogmigration.common.kafka.RunContextInterceptor}); executors that carry runs out wrap their tasks
 * with {@link #wrap} or {@link #carry}.
 */
public final class RunContext {

    public static final String MIGRATION_ID = "migrationId";
    public static final String RUN_ID = "runId";

    /** Puts back what the thread had before: closing a scope never leaves another run's ids behind. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets exactly these ids (a null one is absent) until the scope is closed. */
    public static Scope open(String migrationId, UUID runId) {
        return set(migrationId, runId == null ? null : runId.toString());
    }

    /**
     * The task, to be run on another thread in this run's context: the ids given, and for one given as null the
     * submitting thread's (a listener that hands a command's run to a worker thread knows both; a resumed run that
     * knows only its id keeps what the caller had).
     */
    public static Runnable wrap(String migrationId, UUID runId, Runnable task) {
        String migration = migrationId != null ? migrationId : MDC.get(MIGRATION_ID);
        String run = runId != null ? runId.toString() : MDC.get(RUN_ID);
        return () -> {
            try (Scope scope = set(migration, run)) {
                task.run();
            }
        };
    }

    /** The task, to be run on another thread with the submitting thread's ids: a run's own worker pools. */
    public static <T> Callable<T> carry(Callable<T> task) {
        String migration = MDC.get(MIGRATION_ID);
        String run = MDC.get(RUN_ID);
        return () -> {
            try (Scope scope = set(migration, run)) {
                return task.call();
            }
        };
    }

    /** Removes both ids. */
    public static void clear() {
        MDC.remove(MIGRATION_ID);
        MDC.remove(RUN_ID);
    }

    private static Scope set(String migration, String run) {
        String previousMigration = MDC.get(MIGRATION_ID);
        String previousRun = MDC.get(RUN_ID);
        put(MIGRATION_ID, migration);
        put(RUN_ID, run);
        return () -> {
            put(MIGRATION_ID, previousMigration);
            put(RUN_ID, previousRun);
        };
    }

    private static void put(String key, String value) {
        if (value == null || value.isBlank()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private RunContext() {
    }
}
