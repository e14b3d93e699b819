package io.catalogmigration.prune;

import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.run.RunCancellation;

import java.util.List;

/**
 * CancelPrune: the run stops with PruneFailed (the ranges it deleted stay deleted, counted in its ledger) and frees
 * its database. Common's RunCancellation does it; this says what a prune run's failed outcome names.
 */
record PruneCancel(RunCancellation cancellation, PruneOutcomes outcomes) {

    void cancel(CancelPrune command) {
        cancellation.cancel(command, command.runId(), command.reason(), PrunePlanner.KIND, "StartPrune",
                (runId, run, reason, action) -> outcomes.failed(runId, command.migrationId(), run == null ? "-"
                        : database(run.command()), reason, action, List.of()));
    }

    private static String database(String startPrune) {
        var start = MessageJson.mapper().readValue(startPrune, StartPrune.class);
        return start.database() == null ? "(no database)" : start.database().describe();
    }
}
