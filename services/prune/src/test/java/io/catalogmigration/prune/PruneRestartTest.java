package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PruneRestartTest extends PruneTestBase {

    @Test
    void aServiceStoppedMidRunResumesFromTheLedgerAndDeletesExactlyThePlan() {
        var copy = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of("qli", "metrics"));
        // Small batches and a throttle that always pauses: the run is slow enough to be stopped halfway.
        var slow = startService(Map.of("prune.batch-size", 25, "prune.ranges-per-message", 1, "prune.workers", 1,
                "consumer-throttling.enabled", true, "consumer-throttling.threshold", 1,
                "consumer-throttling.duration", "150ms"));
        String batches = "select count(*) from prune.batch where run_id = '" + command.commandId() + "'";
        try {
            commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
            await().atMost(Duration.ofSeconds(60)).until(() -> done(batches) >= 5);
        } finally {
            ServiceRunner.stop(slow);
        }
        long total = pg.queryForLong(ServiceRunner.CONTROL_DATABASE, batches);
        assertThat(done(batches)).as("batches done when the first instance stopped").isLessThan(total);
        assertThat(events.outcomes(command.commandId())).isEmpty();

        var restarted = startService(Map.of());
        try {
            var outcome = (PruneCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.tables()).hasSize(7).allSatisfy(t -> {
                assertThat(t.status()).isEqualTo(PrunedTable.Status.PRUNED);
                assertThat(t.deleted()).isEqualTo(t.pastRetentionBefore())
                        .isEqualTo(countOlderThan(SampleCatalog.ROSEMETA, t.table(), prunable().get(t.table()), t.cutoff()));
                assertThat(count(copy.database(), t.table()))
                        .isEqualTo(count(SampleCatalog.ROSEMETA, t.table()) - t.pastRetentionBefore());
            });
            assertThat(done(batches)).isEqualTo(total);
            assertThat(events.outcomes(command.commandId())).hasSize(1);
        } finally {
            ServiceRunner.stop(restarted);
        }
    }

    private static long done(String batchesOfRun) {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE, batchesOfRun + " and state = 'DONE'");
    }
}
