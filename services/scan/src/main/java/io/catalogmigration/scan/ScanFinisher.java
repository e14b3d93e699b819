package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CorruptRow;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScannedDatabase;
import io.catalogmigration.common.contract.ScannedTable;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the one outcome of a run from its plan and what the workers recorded, once every work message is done. */
record ScanFinisher(RunLedger ledger, Findings findings, ScanOutcomes outcomes) {

    static final String REPORTING = "REPORTING";

    /** Reports once: only the caller that moves the run from SCANNING to REPORTING goes on. */
    void finish(UUID runId) {
        if (ledger.advanceStage(runId, ScanPlanner.SCANNING, REPORTING)) {
            report(ledger.find(runId).orElseThrow());
        }
    }

    void report(Run run) {
        var command = MessageJson.mapper().readValue(run.command(), StartScan.class);
        var plan = MessageJson.mapper().readValue(run.plan(), ScanPlan.class);
        var found = byTable(findings.found(run.runId()));
        var deleted = byTable(findings.deleted(run.runId()));
        List<ScannedDatabase> databases = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long corrupted = 0;
        long removed = 0;
        for (var database : plan.databases()) {
            String name = database.endpoint().describe();
            List<ScannedTable> tables = new ArrayList<>();
            for (var table : database.tables()) {
                String key = name + "|" + table.table();
                var gone = deleted.getOrDefault(key, List.of());
                // A row deleted before a crash is not found again on redelivery: the deletions count as findings too.
                var rows = new LinkedHashMap<String, CorruptRow>();
                gone.forEach(r -> rows.put(r.ctid(), r));
                found.getOrDefault(key, List.of()).forEach(r -> rows.put(r.ctid(), r));
                var status = rows.isEmpty() ? ScannedTable.Status.CLEAN
                        : gone.size() == rows.size() ? ScannedTable.Status.REPAIRED : ScannedTable.Status.CORRUPTED;
                if (!rows.isEmpty()) {
                    failed.add(database.endpoint().database() + "/" + table.table());
                }
                corrupted += rows.size();
                removed += gone.size();
                tables.add(new ScannedTable(table.table(), table.toastTable(), table.bytes(), status, List.copyOf(rows.values()), gone));
            }
            databases.add(new ScannedDatabase(name, database.method(), database.bytes(), tables, database.note()));
        }
        outcomes.completed(new ScanCompleted(UUID.randomUUID(), run.migrationId(), Instant.now(), run.runId(), command.mode(),
                plan.tableCount(), failed, corrupted, removed, plan.bytes(),
                Instant.now().toEpochMilli() - run.startedAt().toEpochMilli(), databases));
    }

    private static Map<String, List<CorruptRow>> byTable(List<Findings.Row> rows) {
        Map<String, List<CorruptRow>> byTable = new LinkedHashMap<>();
        rows.forEach(r -> byTable.computeIfAbsent(r.database() + "|" + r.row().table(), k -> new ArrayList<>()).add(r.row()));
        return byTable;
    }
}
