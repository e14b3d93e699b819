package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CancelScan;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.run.RunCancellation;

import java.util.List;
import java.util.Objects;

/**
 * CancelScan: the run stops with ScanFailed (rows a REPAIR deleted stay deleted, listed in scan.deleted_row) and frees
 * its databases. Common's RunCancellation does it; this says what a scan run's failed outcome names.
 */
record ScanCancel(RunCancellation cancellation, ScanOutcomes outcomes) {

    void cancel(CancelScan command) {
        cancellation.cancel(command, command.runId(), command.reason(), ScanPlanner.KIND, "StartScan",
                (runId, run, reason, action) -> outcomes.failed(runId, command.migrationId(), run == null ? List.of()
                        : databases(run.command()), reason, action));
    }

    private static List<String> databases(String startScan) {
        return MessageJson.mapper().readValue(startScan, StartScan.class).databases().stream().filter(Objects::nonNull)
                .map(PgEndpoint::describe).toList();
    }
}
