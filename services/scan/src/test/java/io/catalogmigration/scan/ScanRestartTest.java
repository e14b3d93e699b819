package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ScanRestartTest extends ScanTestBase {

    @Test
    void aServiceStoppedMidRepairResumesFromTheLedgerAndDeletesExactlyTheDamagedRows() {
        var copy = copyOf(ROSEMETA_TEMPLATE);
        Set<Long> damaged = new TreeSet<>(List.of(5L, 300L, 598L));
        damage(copy.database(), damaged, Set.of());
        Set<Long> expectedLeft = new TreeSet<>(ids(copy.database()));
        expectedLeft.removeAll(damaged);
        var command = command(List.of(copy), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of());
        // One item per message and a throttle that always pauses: the run is slow enough to be stopped halfway.
        var slow = startService(Map.of("scan.items-per-message", 1, "scan.workers", 1, "scan.split-size", "16KB",
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
                "migration.consumer-throttling.duration", "150ms"));
        String batches = "select count(*) from scan.batch where run_id = '" + command.commandId() + "'";
        try {
            commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
            await().atMost(Duration.ofSeconds(60)).until(() -> done(batches) >= 5);
        } finally {
            ServiceRunner.stop(slow);
        }
        long total = pg.queryForLong(ServiceRunner.CONTROL_DATABASE, batches);
        assertThat(done(batches)).as("messages done when the first instance stopped").isLessThan(total);
        assertThat(events.outcomes(command.commandId())).isEmpty();

        var restarted = startService(Map.of());
        try {
            var outcome = (ScanCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(keys(deleted(outcome))).isEqualTo(damaged);
            assertThat(keys(corrupted(outcome))).isEqualTo(damaged);
            assertThat(ids(copy.database())).isEqualTo(expectedLeft);
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
