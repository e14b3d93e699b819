package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Builds one work message's indexes (one, as {@link PostDataApplier} plans them). The statements come from the
 * replicator's own record of the deferred steps, by number, never from the message; a step done before (by another
 * instance, or before a restart) is skipped, and one whose index is there already counts as done.
 */
record IndexWorker(PgConnector connector, RunLedger ledger, ReplicationStore store, ProgressReporter progress) {

    /** {@code run}: the unfinished index-build run whose open {@code batch} a work message names (see {@link ReplicateWorkHandler}). */
    void handle(Run run, Batch batch) {
        var command = (CheckReplication) MessageJson.mapper().readValue(run.command(), ReplicateCommand.class);
        var plan = MessageJson.mapper().readValue(run.plan(), PostDataApplier.IndexPlan.class);
        Set<Integer> seqs = Set.of(MessageJson.mapper().readValue(batch.payload(), Integer[].class));
        List<ReplicationStore.Step> steps = store.steps(run.migrationId(), plan.database()).stream()
                .filter(s -> seqs.contains(s.seq())).toList();
        int built = 0;
        try (Connection connection = PostDataApplier.connect(connector, command.target().withDatabase(plan.database()))) {
            for (var step : steps) {
                if (step.state().equals("DONE")
                        || PostDataApplier.applyStep(store, connection, run.migrationId(), plan.database(), step)) {
                    built++;
                }
            }
        } catch (SQLException e) {
            if (PgErrors.transientFault(e)) {
                throw new IllegalStateException("index build message " + batch.seq() + " of " + plan.database()
                        + " hit a transient fault and will be retried: " + PgErrors.serverMessage(e), e);
            }
            ledger.finish(run.runId(), RunStatus.FAILED, "cannot build indexes on " + command.target().describe() + ": "
                    + PgErrors.describe(e), "{}");
            return;
        }
        var completion = ledger.complete(batch.runId(), batch.seq(), built);
        long done = plan.doneBefore() + completion.runDone();
        progress.report(new Progress(run.migrationId(), plan.checkRun(), "indexes", done, plan.indexes(), "indexes",
                run.startedAt(), "%s: created %d/%d indexes".formatted(plan.database(), done, plan.indexes())));
        if (completion.phaseComplete()) {
            ledger.finish(run.runId(), RunStatus.SUCCEEDED, "index builds of " + plan.database() + " done", "{}");
        }
    }
}
