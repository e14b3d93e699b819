package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.logging.RunContext;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies the deferred post-data steps once every table is ready: the indexes first, on several connections at
 * once, then everything else (constraints, index attachments, triggers) in pg_dump's order. A step already done is
 * skipped; one that finds its object there is done; a failure is recorded by name and the others go on.
 */
class PostDataApplier {

    private static final Logger log = LoggerFactory.getLogger(PostDataApplier.class);

    private final ReplicatorProperties settings;
    private final PgConnector connector;
    private final ReplicationStore store;
    private final ProgressReporter progress;

    PostDataApplier(ReplicatorProperties settings, PgConnector connector, ReplicationStore store, ProgressReporter progress) {
        this.settings = settings;
        this.connector = connector;
        this.store = store;
        this.progress = progress;
    }

    void apply(String migrationId, UUID runId, PgEndpoint target) {
        String database = target.database();
        var steps = store.steps(migrationId, database);
        var open = steps.stream().filter(s -> !s.state().equals("DONE")).toList();
        if (open.isEmpty()) {
            return;
        }
        int indexes = (int) steps.stream().filter(ReplicationStore.Step::index).count();
        var created = new AtomicInteger((int) steps.stream().filter(s -> s.index() && s.state().equals("DONE")).count());
        Instant started = Instant.now();
        var queue = new ConcurrentLinkedQueue<>(open.stream().filter(ReplicationStore.Step::index).toList());
        ExecutorService pool = Executors.newFixedThreadPool(settings.indexWorkers());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < settings.indexWorkers(); i++) {
                workers.add(pool.submit(RunContext.carry(() -> {
                    try (Connection connection = connect(target)) {
                        for (var step = queue.poll(); step != null; step = queue.poll()) {
                            if (run(connection, migrationId, database, step)) {
                                int done = created.incrementAndGet();
                                progress.report(new Progress(migrationId, runId, "indexes", done, indexes, "indexes", started,
                                        "%s: created %d/%d indexes".formatted(database, done, indexes)));
                            }
                        }
                    }
                    return null;
                })));
            }
            for (var worker : workers) {
                worker.get();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // the service stops: the run stays unfinished (ReplicateHandler)
            }
            throw new MigrationProblem("building the indexes of " + database + " stopped: " + rootMessage(e),
                    "check that the target is reachable, then send CheckReplication again; indexes built are kept");
        } finally {
            pool.shutdownNow();
        }
        try (Connection connection = connect(target)) {
            for (var step : open.stream().filter(s -> !s.index()).toList()) {
                run(connection, migrationId, database, step);
            }
        } catch (SQLException e) {
            throw new MigrationProblem("cannot connect to " + target.describe() + ": " + PgErrors.describe(e),
                    "check that the target is reachable, then send CheckReplication again");
        }
        log.info("Post-data of {}: created {}/{} indexes", database, created.get(), indexes);
    }

    private Connection connect(PgEndpoint target) throws SQLException {
        Connection connection = connector.connect(target);
        Sql.execute(connection, "SELECT pg_catalog.set_config('search_path', '', false)");
        Sql.execute(connection, "SET maintenance_work_mem = '256MB'");
        return connection;
    }

    private boolean run(Connection connection, String migrationId, String database, ReplicationStore.Step step) {
        try {
            Sql.execute(connection, step.sql());
            store.stepDone(migrationId, database, step.seq());
            return true;
        } catch (SQLException e) {
            if (PgErrors.alreadyExists(e)) {
                store.stepDone(migrationId, database, step.seq());
                return true;
            }
            String error = PgErrors.describe(e);
            log.error("Post-data {} {} of {} FAILED: {}. What to do: fix the cause on the target, then send CheckReplication "
                    + "again to retry the failed steps", step.kind(), step.name(), database, error);
            store.stepFailed(migrationId, database, step.seq(), error);
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof SQLException sql ? PgErrors.describe(sql) : e.getMessage();
    }
}
