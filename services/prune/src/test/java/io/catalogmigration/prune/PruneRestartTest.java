package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PruneRestartTest extends PruneTestBase {

    @Test
    void aServiceStoppedMidRunResumesFromTheLedgerAndDeletesExactlyThePlan() {
        var copy = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of("qli", "metrics"));
        // Small batches and a throttle that always pauses: the run is slow enough to be stopped halfway.
        var slow = startService(Map.of("prune.batch-size", 25, "prune.ranges-per-message", 1, "prune.workers", 1,
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
                "migration.consumer-throttling.duration", "150ms"));
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

    /**
     * The instance dies between a batch's deletes (committed in the catalog) and its record in the ledger: its worker
     * is held at the ledger's run row, then the instance is stopped and its ledger sessions ended, as a kill -9 would.
     * The batch is redelivered to a fresh instance, finds its rows gone, and must still count them once.
     */
    @Test
    void anInstanceDyingBetweenDeletingABatchAndRecordingItLeavesTheLedgerCountingExactlyTheRowsDeleted() throws Exception {
        var copy = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics"));
        var slow = startService(Map.of("prune.batch-size", 25, "prune.ranges-per-message", 4, "prune.workers", 2,
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
                "migration.consumer-throttling.duration", "100ms"));
        String batches = "select count(*) from prune.batch where run_id = '" + command.commandId() + "'";
        String waitingAtTheRunRow = "select count(*) from pg_stat_activity where datname = '" + ServiceRunner.CONTROL_DATABASE
                + "' and wait_event_type = 'Lock' and query like '%from run where run_id%for no key update%'";
        try (Connection holder = pg.connect(ServiceRunner.CONTROL_DATABASE)) {
            commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
            await().atMost(Duration.ofSeconds(60)).until(() -> done(batches) >= 2);
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("select 1 from prune.run where run_id = ? for update")) {
                lock.setObject(1, command.commandId());
                lock.executeQuery().close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                    waitingAtTheRunRow) >= 1);
            long rowsGoneBeforeTheCrash = PruneAdmissionTest.actuallyDeleted(copy.database());
            long countedBeforeTheCrash = pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                    "select done from prune.run where run_id = '" + command.commandId() + "'");
            assertThat(rowsGoneBeforeTheCrash).as("deleted but not yet counted").isGreaterThan(countedBeforeTheCrash);

            var stopping = CompletableFuture.runAsync(() -> ServiceRunner.stop(slow));
            while (!stopping.isDone()) {
                // the dying instance's ledger sessions end; whatever it was recording is lost
                pg.execute(ServiceRunner.CONTROL_DATABASE, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                        + ServiceRunner.CONTROL_DATABASE + "' and pid <> pg_backend_pid() and application_name not like 'test%'"
                        + " and wait_event_type = 'Lock'");
                Thread.sleep(200);
            }
            stopping.get();
            holder.rollback();
        }
        assertThat(events.outcomes(command.commandId())).isEmpty();

        var restarted = startService(Map.of());
        try {
            var outcome = (PruneCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
            long actuallyDeleted = PruneAdmissionTest.actuallyDeleted(copy.database());
            assertThat(outcome.rowsDeleted()).isEqualTo(actuallyDeleted);
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                    "select done from prune.run where run_id = '" + command.commandId() + "'"))
                    .as("the ledger's done after the crash").isEqualTo(actuallyDeleted);
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                    "select sum(done) from prune.batch where run_id = '" + command.commandId() + "'")).isEqualTo(actuallyDeleted);
            assertThat(done(batches)).isEqualTo(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, batches));
        } finally {
            ServiceRunner.stop(restarted);
        }
    }

    private static long done(String batchesOfRun) {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE, batchesOfRun + " and state = 'DONE'");
    }
}
