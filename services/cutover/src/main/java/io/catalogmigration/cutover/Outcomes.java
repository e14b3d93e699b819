package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** The one outcome of a run: published (at least once), then recorded as the run's end, with one log line. */
class Outcomes {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final MessagePublisher publisher;
    private final RunLedger ledger;

    Outcomes(MessagePublisher publisher, RunLedger ledger) {
        this.publisher = publisher;
        this.ledger = ledger;
    }

    void finish(OutcomeEvent event, String summary) {
        boolean failed = event instanceof CutoverFailed;
        if (failed) {
            var f = (CutoverFailed) event;
            log.error("{} {} of migration {} FAILED in {}: {}. Source released: {}, switched: {}. What to do: {}", f.command(),
                    f.runId(), f.migrationId(), f.phase(), f.reason(), f.sourceReleased(), f.switched(), f.action());
        } else {
            log.info("Cutover run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        }
        publisher.outcome(event);
        ledger.say(event.runId(), failed ? "Failed: " + ((CutoverFailed) event).reason() : summary);
        ledger.finish(event.runId(), failed ? RunStatus.FAILED : RunStatus.SUCCEEDED, summary,
                MessageJson.mapper().writeValueAsString(event));
    }

    static String summary(List<CutoverCheck> checks) {
        return checks.stream().map(c -> (c.database() == null ? "" : c.database() + " ") + c.check() + ": " + c.detail())
                .collect(Collectors.joining("; "));
    }

    static String describe(io.catalogmigration.common.verify.Difference difference) {
        return difference.describe();
    }
}
