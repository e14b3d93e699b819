package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CancelScan;
import io.catalogmigration.common.contract.RunCancelled;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** One REPAIR per database at a time: a second one for a database in use is refused and changes nothing. */
class ScanAdmissionTest extends ScanTestBase {

    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void startSlowService() {
        // One item per message and a throttle that always pauses: the first repair still runs when the second comes.
        service = startService(Map.of("scan.items-per-message", 1, "scan.workers", 1, "scan.split-size", "16KB",
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
                "migration.consumer-throttling.duration", "100ms"));
    }

    @AfterAll
    static void stopService() {
        ServiceRunner.stop(service);
    }

    @Test
    void aSecondRepairOfADatabaseInUseFailsNamingTheRunThatHoldsItAndDeletesNothing() {
        var copy = copyOf(ROSEMETA_TEMPLATE);
        var other = copyOf(LINEAGE_TEMPLATE);
        Set<Long> damaged = new TreeSet<>(List.of(7L, 301L, 597L));
        damage(copy.database(), damaged, Set.of());
        var first = command(List.of(copy), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of());
        // the second also names a database nobody holds: it is refused whole, not half carried out
        var second = command(List.of(other, copy), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of());

        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, first);
        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, second);

        var refused = (ScanFailed) events.awaitOutcome(second.commandId(), OUTCOME_TIMEOUT);
        assertThat(refused.reason()).startsWith("StartScan was not carried out")
                .contains("database " + copy.host() + ":" + copy.port() + "/" + copy.database())
                .contains("is in use by run " + first.commandId()).contains("nothing was changed");
        assertThat(refused.action()).startsWith("wait for run " + first.commandId() + " to finish or stop it with CancelScan (runId "
                + first.commandId() + ")");
        assertThat(events.outcomes(first.commandId())).as("the first repair was still going").isEmpty();
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.batch where run_id = '"
                + second.commandId() + "'")).isZero();
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.run_hold where resource like '%/"
                + other.database() + "'")).as("nothing held for the refused command").isZero();

        var repaired = (ScanCompleted) events.awaitOutcome(first.commandId(), OUTCOME_TIMEOUT);
        assertThat(keys(deleted(repaired))).isEqualTo(damaged);
        assertThat(repaired.deletedRows()).isEqualTo(damaged.size());
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.deleted_row where run_id = '"
                + second.commandId() + "'")).isZero();

        // A REPORT holds nothing; a REPAIR after the first finished is admitted and finds nothing left to delete.
        var again = (ScanCompleted) send(command(List.of(copy, other), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of()));
        assertThat(again.deletedRows()).isZero();
        assertThat(events.outcomes(second.commandId())).hasSize(1);
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void aCancelledRepairStopsAndFreesItsDatabasesSoTheNextRepairFindsWhatIsLeft() {
        var copy = copyOf(ROSEMETA_TEMPLATE);
        Set<Long> damaged = new TreeSet<>(List.of(11L, 403L));
        damage(copy.database(), damaged, Set.of());
        var first = command(List.of(copy), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of());
        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, first);
        Awaitility.await().atMost(OUTCOME_TIMEOUT).until(() -> pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select coalesce(max(done), 0) from scan.run where run_id = '" + first.commandId() + "'") > 0);

        var cancel = new CancelScan(UUID.randomUUID(), first.migrationId(), Instant.now(), first.commandId(), "too slow");
        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, cancel);

        var stopped = (ScanFailed) events.awaitOutcome(first.commandId(), OUTCOME_TIMEOUT);
        assertThat(stopped.reason()).startsWith("cancelled by CancelScan " + cancel.commandId() + " (too slow) while SCANNING");
        assertThat(stopped.databases()).containsExactly(copy.describe());
        var cancelled = (RunCancelled) events.awaitOutcome(cancel.commandId(), OUTCOME_TIMEOUT);
        assertThat(cancelled.cancelledRunId()).isEqualTo(first.commandId());
        assertThat(cancelled.done()).isPositive().isLessThan(cancelled.planned());

        // Free again: the next repair is admitted and deletes what the first left; no damaged row remains.
        var next = (ScanCompleted) send(command(List.of(copy), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of()));
        long deletedByFirst = pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.deleted_row "
                + "where run_id = '" + first.commandId() + "'");
        assertThat(deletedByFirst + next.deletedRows()).isEqualTo(damaged.size());
        var report = (ScanCompleted) send(command(List.of(copy), ScanMode.REPORT, ScanMethod.READ_ROWS, List.of()));
        assertThat(report.corruptedRows()).isZero();
        assertNoPasswordCrossedTheBroker();
    }
}
