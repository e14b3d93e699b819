package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Post-validation: counts every table again with the plan's cutoffs. Deleted rows are the planned rows that are gone,
 * which stays true however often a batch was retried. More left behind than the tolerance allows fails the run.
 */
record PruneFinisher(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneOutcomes outcomes,
                     ProgressReporter progress) {

    private static final Logger log = LoggerFactory.getLogger(PruneFinisher.class);

    /** Finishes the run once: only the caller that moves it from DELETING to VALIDATING goes on. */
    void finish(UUID runId) {
        if (ledger.advanceStage(runId, "DELETING", "VALIDATING")) {
            validate(ledger.find(runId).orElseThrow());
        }
    }

    void validate(Run run) {
        var command = MessageJson.mapper().readValue(run.command(), StartPrune.class);
        var plan = MessageJson.mapper().readValue(run.plan(), PrunePlan.class);
        String database = command.database().describe();
        progress.announce(new Progress(run.migrationId(), run.runId(), "post-validation", 0, plan.tables().size(), "tables",
                run.startedAt(), "counting again"));
        List<PrunedTable> figures = new ArrayList<>();
        List<String> overTolerance = new ArrayList<>();
        try (Connection connection = connector.connect(command.database())) {
            for (TablePlan table : plan.tables()) {
                if (table.status() == PrunedTable.Status.SKIPPED) {
                    figures.add(new PrunedTable(table.group(), table.table(), table.cutoff(), table.status(), 0, 0, 0, 0, 0, table.note()));
                    continue;
                }
                long[] after = count(connection, table);
                long left = after[1];
                long deleted = Math.max(0, table.pastRetentionBefore() - left);
                long tolerated = (long) Math.floor(settings.tolerance() * table.pastRetentionBefore());
                String note = table.note();
                if (left > tolerated) {
                    note = ("the difference for %s is greater than the tolerated difference of %,d: planned %,d, deleted %,d, "
                            + "%,d rows older than %s remain").formatted(table.table(), tolerated, table.pastRetentionBefore(),
                            deleted, left, table.cutoff());
                    overTolerance.add(note);
                }
                figures.add(new PrunedTable(table.group(), table.table(), table.cutoff(), table.status(), table.rowsBefore(),
                        table.pastRetentionBefore(), deleted, after[0], left, note));
            }
        } catch (SQLException e) {
            // Nothing is lost: the deletes are done; a restart validates again from the ledger.
            throw new IllegalStateException("post-validation of run " + run.runId() + " could not reach " + database
                    + ": " + PgErrors.serverMessage(e), e);
        }
        long deleted = figures.stream().mapToLong(PrunedTable::deleted).sum();
        if (!overTolerance.isEmpty()) {
            outcomes.failed(run.runId(), run.migrationId(), database, String.join("; ", overTolerance),
                    "check whether the application wrote rows with old timestamps or newer rows still reference old ones "
                            + "(the guards keep those), then prune again; send the pre- and post-validation figures with any support request",
                    figures);
            return;
        }
        log.info("Prune run {}: post-validation within tolerance ({} of planned rows)", run.runId(), settings.tolerance());
        outcomes.completed(new PruneCompleted(UUID.randomUUID(), run.migrationId(), Instant.now(), run.runId(), database,
                PruneMode.PURGE, deleted, Instant.now().toEpochMilli() - run.startedAt().toEpochMilli(), figures, plan.notes()));
    }

    private static long[] count(Connection connection, TablePlan table) throws SQLException {
        try (var ps = connection.prepareStatement("select count(*), count(*) filter (where "
                + SqlIdentifier.quote(table.timestampColumn()) + " < ?) from " + TableName.parse(table.table()).quoted())) {
            ps.setTimestamp(1, Timestamp.from(table.cutoff()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }
}
