package io.catalogmigration.prune;

import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.RunCancelled;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** One prune run per database at a time: a second StartPrune for a database in use is refused and changes nothing. */
class PruneAdmissionTest extends PruneTestBase {

    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void startSlowService() {
        // Small batches and a throttle that always pauses: the first run still deletes when the second command comes
        // (the refusal comes right after the first run's planning; more batches only make the test slower).
        service = startService(Map.of("prune.batch-size", 100, "prune.ranges-per-message", 1, "prune.workers", 1,
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
                "migration.consumer-throttling.duration", "50ms"));
    }

    @AfterAll
    static void stopService() {
        ServiceRunner.stop(service);
    }

    @Test
    void aSecondPurgeOfADatabaseInUseFailsNamingTheRunThatHoldsItAndDeletesNothing() throws Exception {
        var copy = copyOfCatalog();
        var first = command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics"));
        var second = new StartPrune(UUID.randomUUID(), first.migrationId(), Instant.now(), copy, first.groups(),
                PruneMode.PURGE, null);

        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, first);
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, second);

        var refused = (PruneFailed) events.awaitOutcome(second.commandId(), OUTCOME_TIMEOUT);
        assertThat(refused.reason()).contains("is in use by run " + first.commandId())
                .contains("database " + copy.host() + ":" + copy.port() + "/" + copy.database())
                .contains("nothing was changed");
        assertThat(refused.action()).startsWith("wait for run " + first.commandId() + " to finish or stop it with CancelPrune (runId "
                + first.commandId() + ")");
        assertThat(events.outcomes(first.commandId())).as("the first run was still going when refusing the second").isEmpty();
        assertThat(ledgerLong("select count(*) from prune.batch where run_id = '" + second.commandId() + "'")).isZero();

        var completed = (PruneCompleted) events.awaitOutcome(first.commandId(), OUTCOME_TIMEOUT);
        long actuallyDeleted = actuallyDeleted(copy.database());
        assertThat(completed.rowsDeleted()).isPositive().isEqualTo(actuallyDeleted);
        assertThat(ledgerLong("select done from prune.run where run_id = '" + first.commandId() + "'"))
                .isEqualTo(actuallyDeleted);
        assertThat(events.outcomes(second.commandId())).hasSize(1);
        assertThat(ledgerLong("select count(*) from prune.run_hold")).as("a finished run holds nothing").isZero();

        // Finished, the first run frees the database: a new command for it runs (and finds nothing left to delete).
        var third = command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics"));
        var again = (PruneCompleted) send(third);
        assertThat(again.rowsDeleted()).isZero();
        assertThat(actuallyDeleted(copy.database())).isEqualTo(actuallyDeleted);

        // Redelivered, the refused command changes nothing and says nothing more.
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, second);
        var marker = command(copyOfCatalog(), PruneMode.DRY_RUN, List.of("metrics"));
        send(marker);
        assertThat(events.outcomes(second.commandId())).hasSize(1);
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void aCancelledPurgeStopsWithWhatItDeletedCountedAndFreesItsDatabaseForTheNextRun() {
        var copy = copyOfCatalog();
        var first = command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics"));
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, first);
        Awaitility.await().atMost(OUTCOME_TIMEOUT).until(() -> ledgerLong("select coalesce(max(done), 0) from prune.run "
                + "where run_id = '" + first.commandId() + "'") > 0);

        var cancel = new CancelPrune(UUID.randomUUID(), first.migrationId(), Instant.now(), first.commandId(),
                "work messages dead-lettered\n(the operator's words)");
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, cancel);

        var stopped = (PruneFailed) events.awaitOutcome(first.commandId(), OUTCOME_TIMEOUT);
        assertThat(stopped.reason()).startsWith("cancelled by CancelPrune " + cancel.commandId()
                        + " (work messages dead-lettered (the operator's words)) while DELETING")
                .contains("what was done stays done");
        assertThat(stopped.action()).contains("send StartPrune again with a new commandId");
        var cancelled = (RunCancelled) events.awaitOutcome(cancel.commandId(), OUTCOME_TIMEOUT);
        assertThat(cancelled.cancelledRunId()).isEqualTo(first.commandId());
        assertThat(cancelled.command()).isEqualTo("StartPrune");
        assertThat(cancelled.stage()).isEqualTo("DELETING");
        assertThat(cancelled.done()).isPositive().isLessThan(cancelled.planned());
        assertThat(ledgerLong("select count(*) from prune.run_hold where run_id = '" + first.commandId() + "'")).isZero();

        // The database is free: the next purge is admitted and deletes the rest; nothing past retention is left.
        var next = (PruneCompleted) send(command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics")));
        assertThat(next.rowsDeleted()).isPositive();
        assertThat(next.tables()).allSatisfy(t -> assertThat(t.pastRetentionAfter()).as(t.table()).isZero());
        assertThat(actuallyDeleted(copy.database())).isGreaterThanOrEqualTo(cancelled.done() + next.rowsDeleted());

        // Nothing left to stop: a cancel of the finished run, of an unknown one, or of another migration's says so.
        var again = new CancelPrune(UUID.randomUUID(), first.migrationId(), Instant.now(), first.commandId(), null);
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, again);
        assertThat(((PruneFailed) events.awaitOutcome(again.commandId(), OUTCOME_TIMEOUT)).reason())
                .isEqualTo("run " + first.commandId() + " has finished already (FAILED); nothing was stopped");
        var unknown = new CancelPrune(UUID.randomUUID(), first.migrationId(), Instant.now(), UUID.randomUUID(), null);
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, unknown);
        assertThat(((PruneFailed) events.awaitOutcome(unknown.commandId(), OUTCOME_TIMEOUT)).reason())
                .isEqualTo("run " + unknown.runId() + " is not a prune run this service knows; nothing was stopped");
        var elsewhere = new CancelPrune(UUID.randomUUID(), "another-migration", Instant.now(), first.commandId(), null);
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, elsewhere);
        assertThat(((PruneFailed) events.awaitOutcome(elsewhere.commandId(), OUTCOME_TIMEOUT)).reason())
                .startsWith("run " + first.commandId() + " belongs to migration " + first.migrationId());
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void aDryRunHoldsNothingAndRunsBesideAPurge() {
        var copy = copyOfCatalog();
        var purge = command(copy, PruneMode.PURGE, List.of("qli", "metadata", "metrics"));
        var dryRun = command(copy, PruneMode.DRY_RUN, List.of("metrics"));

        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, purge);
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, dryRun);

        assertThat(events.awaitOutcome(dryRun.commandId(), OUTCOME_TIMEOUT)).isInstanceOf(PruneCompleted.class);
        assertThat(events.outcomes(purge.commandId())).as("the purge was still going").isEmpty();
        assertThat(events.awaitOutcome(purge.commandId(), OUTCOME_TIMEOUT)).isInstanceOf(PruneCompleted.class);
    }

    @Test
    void instancesAdmittingAtTheSameMomentCannotBothHoldADatabase() throws Exception {
        var connection = new SingleConnectionDataSource(pg.jdbcUrl(ServiceRunner.CONTROL_DATABASE) + "?currentSchema=prune",
                pg.superuser(), pg.password(), true);
        int instances = 8;
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        List<SingleConnectionDataSource> pools = new ArrayList<>();
        try {
            var copy = copyOfCatalog();
            var start = new CountDownLatch(1);
            List<StartPrune> commandsAtOnce = new ArrayList<>();
            List<Future<RunLedger.Admission>> admissions = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                // one ledger per "instance", each with its own session on the control database
                var pool = new SingleConnectionDataSource(pg.jdbcUrl(ServiceRunner.CONTROL_DATABASE) + "?currentSchema=prune",
                        pg.superuser(), pg.password(), true);
                pools.add(pool);
                var ledger = new RunLedger(new JdbcTemplate(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)));
                var command = command(copy, PruneMode.PURGE, List.of("qli"));
                commandsAtOnce.add(command);
                admissions.add(threads.submit(() -> {
                    start.await();
                    return ledger.admit(command, PrunePlanner.KIND, MessageJson.mapper().writeValueAsString(command),
                            PrunePlanner.resources(command));
                }));
            }
            start.countDown();
            List<RunLedger.Admission> decided = new ArrayList<>();
            for (var admission : admissions) {
                decided.add(admission.get());
            }

            assertThat(decided).containsOnlyOnce(RunLedger.Admission.NEW)
                    .filteredOn(a -> a != RunLedger.Admission.NEW).hasSize(instances - 1)
                    .containsOnly(RunLedger.Admission.BUSY);
            var winner = commandsAtOnce.get(decided.indexOf(RunLedger.Admission.NEW));
            var ledger = new RunLedger(new JdbcTemplate(connection), new TransactionTemplate(new DataSourceTransactionManager(connection)));
            var loser = commandsAtOnce.get(decided.indexOf(RunLedger.Admission.BUSY));
            assertThat(ledger.holder(PrunePlanner.resources(loser), loser.commandId()))
                    .hasValueSatisfying(h -> assertThat(h.run().runId()).isEqualTo(winner.commandId()));

            // A failed run frees the database as a finished one does.
            ledger.finish(winner.commandId(), RunStatus.FAILED, "failed in the test", null);
            assertThat(ledger.holder(PrunePlanner.resources(loser), loser.commandId())).isEmpty();
            var next = command(copy, PruneMode.PURGE, List.of("qli"));
            assertThat(ledger.admit(next, PrunePlanner.KIND, MessageJson.mapper().writeValueAsString(next),
                    PrunePlanner.resources(next))).isEqualTo(RunLedger.Admission.NEW);
            ledger.finish(next.commandId(), RunStatus.FAILED, "failed in the test", null);
            for (var refused : commandsAtOnce) {
                if (!refused.equals(winner)) {
                    ledger.finish(refused.commandId(), RunStatus.FAILED, "refused in the test", null);
                }
            }
        } finally {
            threads.shutdownNow();
            pools.forEach(SingleConnectionDataSource::destroy);
            connection.destroy();
        }
    }

    /** Rows past retention that are gone from the copy: what the reference still has and the copy does not. */
    static long actuallyDeleted(String copy) {
        long deleted = 0;
        for (String table : prunable().keySet()) {
            deleted += count(io.catalogmigration.testkit.SampleCatalog.ROSEMETA, table) - count(copy, table);
        }
        return deleted;
    }

    static long ledgerLong(String sql) {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE, sql);
    }
}
