package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunState;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.run.MigrationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Applies the deferred post-data steps once every table is ready: the indexes first, one work item each on the
 * replicator's work topic, so every instance's work listeners build them at once ({@link IndexWorker}); then
 * everything else (constraints, index attachments, triggers) here, in pg_dump's order. A step already done is
 * skipped; one that finds its object there is done; a failure is recorded by name and the others go on.
 */
record PostDataApplier(ReplicatorProperties settings, PgConnector connector, ReplicationStore store, RunLedger ledger,
                       MessagePublisher publisher) {

    /** The ledger's kind for a run of index builds: one batch per index. */
    static final String KIND = "indexes";

    private static final Logger log = LoggerFactory.getLogger(PostDataApplier.class);

    /** What an index build's worker needs besides the step: the database and the check that progress is reported under. */
    record IndexPlan(String database, UUID checkRun, int indexes, int doneBefore) {
    }

    void apply(CheckReplication command, PgEndpoint target) {
        String database = target.database();
        var steps = store.steps(command.migrationId(), database);
        var open = steps.stream().filter(s -> !s.state().equals("DONE")).toList();
        if (open.isEmpty()) {
            return;
        }
        var indexes = open.stream().filter(ReplicationStore.Step::index).toList();
        if (!indexes.isEmpty()) {
            int total = (int) steps.stream().filter(ReplicationStore.Step::index).count();
            buildIndexes(command, database, indexes, total);
        }
        try (Connection connection = connect(connector, target)) {
            for (var step : open.stream().filter(s -> !s.index()).toList()) {
                applyStep(store, connection, command.migrationId(), database, step);
            }
        } catch (SQLException e) {
            throw new MigrationProblem("cannot connect to " + target.describe() + ": " + PgErrors.describe(e),
                    "check that the target is reachable, then send CheckReplication again");
        }
        var after = store.steps(command.migrationId(), database);
        log.info("Post-data of {}: created {}/{} indexes", database,
                after.stream().filter(s -> s.index() && s.state().equals("DONE")).count(),
                after.stream().filter(ReplicationStore.Step::index).count());
    }

    /**
     * The open index builds as a run of the check, one batch each (one index can take long; any worker takes the next),
     * published and waited for. A check resumed after a restart finds its run and waits for what is left.
     */
    private void buildIndexes(CheckReplication command, String database, List<ReplicationStore.Step> indexes, int total) {
        UUID runId = UUID.nameUUIDFromBytes((KIND + "|" + command.commandId() + "|" + database).getBytes(StandardCharsets.UTF_8));
        boolean opened = ledger.open(runId, command.migrationId(), KIND,
                MessageJson.mapper().writerFor(ReplicateCommand.class).writeValueAsString(command));
        if (opened || ledger.find(runId).map(r -> r.state() == RunState.QUEUED).orElse(false)) {
            List<Batch> batches = new ArrayList<>();
            for (var step : indexes) {
                batches.add(new Batch(runId, batches.size(), 0, Batch.PLANNED, 1, 0, "[" + step.seq() + "]"));
            }
            var plan = new IndexPlan(database, command.commandId(), total, total - indexes.size());
            ledger.start(runId, "BUILDING", indexes.size(), MessageJson.mapper().writeValueAsString(plan), batches);
            log.info("Post-data of {}: {} index builds published to the work topic", database, indexes.size());
        }
        WorkRuns.publishPending(ledger, publisher, runId, settings.verify().partitions());
        WorkRuns.await(ledger, runId, settings.indexStall(), "building the indexes of " + database,
                "send CheckReplication again; indexes built are kept");
    }

    static Connection connect(PgConnector connector, PgEndpoint target) throws SQLException {
        Connection connection = connector.connect(target);
        Sql.execute(connection, "SELECT pg_catalog.set_config('search_path', '', false)");
        Sql.execute(connection, "SET maintenance_work_mem = '256MB'");
        return connection;
    }

    /** Runs one step and records it DONE (also when its object is there already) or FAILED with the error; true: done. */
    static boolean applyStep(ReplicationStore store, Connection connection, String migrationId, String database,
                             ReplicationStore.Step step) {
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
}
