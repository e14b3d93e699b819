package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Validates a StartScan, records the run, lists every user table of every database (checking the filter against the
 * catalog), picks the method per database, splits big tables into block ranges, and plans work messages of at most
 * 100 items. Nothing is read from a table and nothing is changed before the plan is recorded.
 */
record ScanPlanner(ScanProperties settings, RunLedger ledger, PgConnector connector, ScanDispatcher dispatcher,
                   ScanOutcomes outcomes, ProgressReporter progress, RunStart runStart) {

    static final String KIND = "scan";
    static final String SCANNING = "SCANNING";

    private static final Logger log = LoggerFactory.getLogger(ScanPlanner.class);

    void start(StartScan command) {
        runStart.take(command, KIND, MessageJson.mapper().writeValueAsString(command), resources(command),
                (why, problem) -> outcomes.failed(command.commandId(), command, problem.reason(), problem.action()),
                () -> plan(command, Instant.now()));
    }

    /**
     * A REPAIR holds every database it deletes from until it finishes: two at once would delete and report the same
     * rows. A REPORT changes nothing and holds nothing.
     */
    static List<String> resources(StartScan command) {
        return command.mode() != ScanMode.REPAIR ? List.of()
                : command.databases().stream().filter(d -> d != null).map(RunAdmission::database).toList();
    }

    /** Also called on restart for a run that was still planning. */
    void plan(StartScan command, Instant plannedAt) {
        UUID runId = command.commandId();
        var problems = CommandCheck.problems(command);
        if (!problems.isEmpty()) {
            outcomes.failed(runId, command, "invalid StartScan: " + String.join("; ", problems),
                    "correct the command and send it again with a new commandId; nothing was scanned or changed");
            return;
        }
        Set<TableName> filter = command.tables().stream().map(TableName::parse).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<TableName> matched = new HashSet<>();
        List<ScanPlan.Database> databases = new ArrayList<>();
        List<String> privileges = new ArrayList<>();
        for (PgEndpoint endpoint : command.databases()) {
            try (Connection connection = connector.connect(endpoint)) {
                var choice = MethodChoice.choose(connection, command.method());
                log.info("Scan run {}: {} will be checked with {}{}", runId, endpoint.describe(), choice.method(),
                        choice.note() == null ? "" : " (" + choice.note() + ")");
                var listed = TableLister.list(connection, filter);
                List<ScanPlan.Table> tables = new ArrayList<>();
                for (var table : listed) {
                    matched.add(TableName.parse(table.table().table()));
                    if (!table.canSelect() || (command.mode() == ScanMode.REPAIR && !table.canDelete())) {
                        privileges.add(endpoint.database() + "/" + table.table().table());
                    }
                    tables.add(withItems(table.table(), choice.tidRangeScan()));
                }
                databases.add(new ScanPlan.Database(endpoint, choice.method(), choice.amcheckSchema(), choice.note(), tables));
                progress.announce(new Progress(command.migrationId(), runId, "planning", databases.size(),
                        command.databases().size(), "databases", plannedAt, "%s: %d tables, %,d bytes, method %s".formatted(
                        endpoint.describe(), tables.size(), tables.stream().mapToLong(ScanPlan.Table::bytes).sum(), choice.method())));
            } catch (SecretUnavailableException e) {
                outcomes.failed(runId, command, e.getMessage(), "make the secret available to the scan service, then send "
                        + "the command again with a new commandId; nothing was scanned or changed");
                return;
            } catch (MethodChoice.Unavailable e) {
                outcomes.failed(runId, command, "method AMCHECK cannot run on " + endpoint.describe() + ": " + e.getMessage(),
                        "fix that, or send the command again with method AUTO or READ_ROWS and a new commandId; nothing was scanned");
                return;
            } catch (SQLException e) {
                outcomes.failed(runId, command, "cannot plan against " + endpoint.describe() + ": " + PgErrors.serverMessage(e)
                                + " (SQLSTATE " + e.getSQLState() + ")",
                        "check that the server is reachable and that " + endpoint.user() + " may log in and read the catalog, "
                                + "then send the command again with a new commandId; nothing was scanned or changed");
                return;
            }
        }
        var unknown = command.tables().stream().filter(t -> !matched.contains(TableName.parse(t))).toList();
        if (!unknown.isEmpty()) {
            outcomes.failed(runId, command, "unknown table(s) " + unknown + ": not a table in any of the databases",
                    "name tables as schema.table exactly as in the catalog (case matters), then send the command again "
                            + "with a new commandId; nothing was scanned or changed");
            return;
        }
        if (!privileges.isEmpty()) {
            outcomes.failed(runId, command, "the user may not " + (command.mode() == ScanMode.REPAIR ? "select from and delete from" : "select from")
                            + " " + privileges.size() + " table(s): " + privileges.stream().limit(10).toList(),
                    "grant the privileges (or scan as the tables' owner), then send the command again with a new commandId; "
                            + "nothing was scanned or changed");
            return;
        }
        var plan = new ScanPlan(databases);
        var batches = batches(command, plan);
        ledger.start(runId, SCANNING, plan.bytes(), MessageJson.mapper().writeValueAsString(plan), batches);
        ledger.say(runId, "Planned %d tables, %,d bytes, in %d work messages (%s)".formatted(plan.tableCount(), plan.bytes(),
                batches.size(), databases.stream().map(d -> d.endpoint().database() + ": " + d.method()).collect(Collectors.joining(", "))));
        progress.announce(new Progress(command.migrationId(), runId, "scanning", 0, plan.bytes(), "bytes", plannedAt,
                "planned %d tables in %d work messages".formatted(plan.tableCount(), batches.size())));
        dispatcher.advance(runId);
    }

    /**
     * Splits a table larger than the split size (heap plus TOAST: a table of wide values has a small heap and a big
     * TOAST table, and checking its rows costs what its TOAST costs) into that many heap block ranges; the last one is
     * open-ended. Without TID range scans (before PostgreSQL 14) a range costs a full scan, so tables stay whole.
     */
    private ScanPlan.Table withItems(ScanPlan.Table table, boolean tidRangeScan) {
        long bySize = (table.bytes() + settings.splitSize().toBytes() - 1) / settings.splitSize().toBytes();
        int items = tidRangeScan ? (int) Math.max(1, Math.min(table.heapBlocks(), bySize)) : 1;
        return new ScanPlan.Table(table.table(), table.oid(), table.toastTable(), table.bytes(), table.heapBlocks(), items);
    }

    private List<Batch> batches(StartScan command, ScanPlan plan) {
        int parallelism = command.parallelism() == null ? settings.parallelism() : command.parallelism();
        List<Batch> batches = new ArrayList<>();
        int seq = 0;
        for (var database : plan.databases()) {
            List<ScanItem> items = new ArrayList<>();
            for (var table : database.tables()) {
                items.addAll(items(table));
            }
            // Small messages when there is little to do, so that every worker (at least `parallelism` of them) gets some.
            int spread = Math.max(parallelism, settings.workPartitions()) * 2;
            int perMessage = Math.max(1, Math.min(settings.itemsPerMessage(), (items.size() + spread - 1) / spread));
            for (int from = 0; from < items.size(); from += perMessage) {
                var chunk = List.copyOf(items.subList(from, Math.min(items.size(), from + perMessage)));
                var work = new ScanWorkBatch(command.commandId(), command.migrationId(), seq, database.endpoint(),
                        database.method(), database.amcheckSchema(), command.mode(), plan.tableCount(), chunk);
                batches.add(new Batch(command.commandId(), seq++, 0, Batch.PLANNED, chunk.size(), 0,
                        MessageJson.mapper().writeValueAsString(work)));
            }
        }
        return batches;
    }

    private static List<ScanItem> items(ScanPlan.Table table) {
        if (table.items() == 1) {
            return List.of(new ScanItem(table.table(), table.oid(), 0, null, table.bytes(), 1));
        }
        long rangeBlocks = (table.heapBlocks() + table.items() - 1) / table.items();
        List<ScanItem> items = new ArrayList<>();
        long assigned = 0;
        for (int i = 0; i < table.items(); i++) {
            long start = i * rangeBlocks;
            boolean last = i == table.items() - 1;
            long bytes = last ? table.bytes() - assigned : table.bytes() * rangeBlocks / Math.max(1, table.heapBlocks());
            assigned += bytes;
            items.add(new ScanItem(table.table(), table.oid(), start, last ? null : start + rangeBlocks, bytes, table.items()));
        }
        return items;
    }
}
