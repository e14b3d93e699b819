package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** The one outcome of a run, with one log line; common's RunOutcomes records it and ends the run. */
record Outcomes(RunOutcomes runs) {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    void finish(OutcomeEvent event, String summary) {
        boolean failed = event instanceof CutoverFailed;
        if (failed) {
            var f = (CutoverFailed) event;
            log.error("{} {} of migration {} FAILED in {}: {}. Source released: {}, switched: {}. What to do: {}", f.command(),
                    f.runId(), f.migrationId(), f.phase(), f.reason(), f.sourceReleased(), f.switched(), f.action());
        } else {
            log.info("Cutover run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        }
        runs.finish(event, failed ? RunStatus.FAILED : RunStatus.SUCCEEDED,
                failed ? "Failed: " + ((CutoverFailed) event).reason() : summary, summary);
    }

    static String summary(List<CutoverCheck> checks) {
        return checks.stream().map(c -> (c.database() == null ? "" : c.database() + " ") + c.check() + ": " + c.detail())
                .collect(Collectors.joining("; "));
    }

    static String describe(io.catalogmigration.common.verify.Difference difference) {
        return difference.describe();
    }
}
