package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Catalog;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretUnavailableException;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Validates a StartPrune, records the run, counts what is past retention (the cutoff is fixed here), and either
 * reports (dry run) or plans key-range batches in deletion order and publishes the first phase.
 */
record PrunePlanner(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneDispatcher dispatcher,
                    PruneOutcomes outcomes, ProgressReporter progress, RunStart runStart) {

    static final String KIND = "prune";

    void start(StartPrune command) {
        String database = command.database() == null ? "(no database)" : command.database().describe();
        runStart.take(command, KIND, MessageJson.mapper().writeValueAsString(command), resources(command),
                (why, problem) -> outcomes.failed(command.commandId(), command.migrationId(), database, problem.reason(),
                        problem.action(), List.of()),
                () -> plan(command, Instant.now()));
    }

    /**
     * A PURGE holds its database until it finishes: two at once would delete the same ranges and both report them. A
     * dry run writes nothing and holds nothing.
     */
    static List<String> resources(StartPrune command) {
        return command.mode() == PruneMode.PURGE && command.database() != null
                ? List.of(RunAdmission.database(command.database())) : List.of();
    }

    /** Also called on restart for a run that was still planning: nothing has been deleted before its plan is recorded. */
    void plan(StartPrune command, Instant plannedAt) {
        UUID runId = command.commandId();
        String database = command.database() == null ? "(no database)" : command.database().describe();
        var problems = CommandCheck.problems(command, settings);
        if (!problems.isEmpty()) {
            outcomes.failed(runId, command.migrationId(), database, "invalid StartPrune: " + String.join("; ", problems),
                    "correct the command and send it again with a new commandId; nothing was deleted", List.of());
            return;
        }
        int batchSize = command.batchSize() == null ? settings.batchSize() : command.batchSize();
        List<String> notes = new ArrayList<>();
        try (Connection connection = connector.connect(command.database())) {
            List<TablePlan> tables = preValidate(connection, command, plannedAt, notes);
            var prunable = tables.stream().filter(t -> t.status() != PrunedTable.Status.SKIPPED).toList();
            var keys = Catalog.foreignKeysAmong(connection,
                    prunable.stream().map(t -> tableOf(connection, t)).toList());
            tables = new ArrayList<>(DeletionOrder.assign(tables, keys, notes));
            if (command.mode() == PruneMode.DRY_RUN) {
                dryRun(command, tables, notes, plannedAt);
                return;
            }
            var plan = new PrunePlan(tables, batchSize, notes);
            var batches = batches(command, plan);
            long planned = tables.stream().filter(TablePlan::prunable).mapToLong(TablePlan::pastRetentionBefore).sum();
            ledger.start(runId, "DELETING", planned, MessageJson.mapper().writeValueAsString(plan), batches);
            ledger.say(runId, "Planned %,d rows in %d key ranges, %d work batches".formatted(planned,
                    batches.stream().mapToInt(Batch::items).sum(), batches.size()));
            progress.announce(new Progress(command.migrationId(), runId, "deleting", 0, planned, "rows", plannedAt,
                    "planned %d work batches".formatted(batches.size())));
            dispatcher.advance(runId);
        } catch (SecretUnavailableException e) {
            outcomes.failed(runId, command.migrationId(), database, e.getMessage(),
                    "make the secret available to the prune service, then send the command again with a new commandId; nothing was deleted",
                    List.of());
        } catch (SQLException | TableLookupFailed e) {
            outcomes.failed(runId, command.migrationId(), database, "cannot plan against " + database + ": " + ErrorText.message(e),
                    "check that the database is reachable and that " + command.database().user()
                            + " may read and delete from the tables, then send the command again with a new commandId; nothing was deleted",
                    List.of());
        }
    }

    private List<TablePlan> preValidate(Connection connection, StartPrune command, Instant plannedAt, List<String> notes)
            throws SQLException {
        var groups = command.groups().isEmpty() ? List.copyOf(settings.groups().keySet()) : command.groups();
        int total = groups.stream().mapToInt(g -> settings.groups().get(g).tables().size()).sum();
        List<TablePlan> tables = new ArrayList<>();
        for (String group : groups.stream().sorted().toList()) {
            var retention = settings.groups().get(group);
            Instant cutoff = PreValidation.cutoff(plannedAt, retention);
            for (var rule : retention.tables()) {
                TablePlan table = PreValidation.table(connection, command.database().database(), group, rule, cutoff);
                tables.add(table);
                if (table.note() != null) {
                    notes.add(table.note());
                }
                progress.announce(new Progress(command.migrationId(), command.commandId(), "pre-validation", tables.size(),
                        total, "tables", plannedAt, table.status() == PrunedTable.Status.SKIPPED ? table.note()
                        : "%s: %,d rows, %,d older than %s".formatted(table.table(), table.rowsBefore(),
                        table.pastRetentionBefore(), table.cutoff())));
            }
        }
        return tables;
    }

    private List<Batch> batches(StartPrune command, PrunePlan plan) {
        List<Batch> batches = new ArrayList<>();
        var byLevel = plan.tables().stream().filter(TablePlan::prunable)
                .sorted(Comparator.comparingInt(TablePlan::level)).toList();
        int seq = 0;
        for (int level : byLevel.stream().map(TablePlan::level).distinct().toList()) {
            List<DeleteRange> ranges = new ArrayList<>();
            for (TablePlan table : byLevel.stream().filter(t -> t.level() == level).toList()) {
                ranges.addAll(KeyRanges.split(table, plan.batchSize()));
            }
            int perMessage = rangesPerMessage(ranges.size());
            for (int from = 0; from < ranges.size(); from += perMessage) {
                var chunk = ranges.subList(from, Math.min(ranges.size(), from + perMessage));
                var work = new PruneWorkBatch(command.commandId(), command.migrationId(), seq, level, command.database(),
                        List.copyOf(chunk));
                batches.add(new Batch(command.commandId(), seq++, level, Batch.PLANNED, chunk.size(), 0,
                        MessageJson.mapper().writeValueAsString(work)));
            }
        }
        return batches;
    }

    /** At most the configured number, but spread over every work partition so all workers share a small phase. */
    private int rangesPerMessage(int ranges) {
        int spread = (ranges + settings.workPartitions() - 1) / settings.workPartitions();
        return Math.max(1, Math.min(settings.rangesPerMessage(), spread));
    }

    private void dryRun(StartPrune command, List<TablePlan> tables, List<String> notes, Instant plannedAt) {
        var figures = tables.stream().map(t -> new PrunedTable(t.group(), t.table(), t.cutoff(),
                t.prunable() ? PrunedTable.Status.WOULD_DELETE : t.status(), t.rowsBefore(), t.pastRetentionBefore(), 0,
                t.rowsBefore(), t.pastRetentionBefore(), t.note())).toList();
        outcomes.completed(new PruneCompleted(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.database().describe(), PruneMode.DRY_RUN, 0,
                Instant.now().toEpochMilli() - plannedAt.toEpochMilli(), figures, notes));
    }

    private static Catalog.Table tableOf(Connection connection, TablePlan plan) {
        try {
            return Catalog.find(connection, TableName.parse(plan.table())).orElseThrow(
                    () -> new TableLookupFailed("table " + plan.table() + " disappeared while planning"));
        } catch (SQLException e) {
            throw new TableLookupFailed(PgErrors.serverMessage(e));
        }
    }

    /** A catalog lookup failed in the middle of planning. */
    static class TableLookupFailed extends RuntimeException {
        TableLookupFailed(String message) {
            super(message);
        }
    }
}
