package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PruneServiceTest extends PruneTestBase {

    static ConfigurableApplicationContext service;

    @BeforeAll
    static void startService() {
        service = startService(Map.of());
    }

    @AfterAll
    static void stopService() {
        ServiceRunner.stop(service);
    }

    @Test
    void purgeDeletesExactlyTheRowsPastRetentionWhileTheApplicationKeepsWriting() throws Exception {
        PgEndpoint copy = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of());

        PruneCompleted outcome;
        try (var writer = ConcurrentWriter.start(pg, copy.database())) {
            outcome = (PruneCompleted) send(command);
            writer.stopAndAwait();
            assertThat(writer.failures()).as("writer errors").isEmpty();
            assertThat(writer.maxLatency()).as("longest wait of an application write").isLessThan(Duration.ofSeconds(1));
            assertThat(writer.writes()).isPositive();
        }

        assertThat(outcome.tables()).extracting(PrunedTable::table).containsExactlyInAnyOrderElementsOf(prunable().keySet());
        long expectedTotal = 0;
        for (PrunedTable table : outcome.tables()) {
            String column = prunable().get(table.table());
            long expected = countOlderThan(SampleCatalog.ROSEMETA, table.table(), column, table.cutoff());
            expectedTotal += expected;
            assertThat(expected).as("sample has old rows in %s", table.table()).isPositive();
            assertThat(table.status()).isEqualTo(PrunedTable.Status.PRUNED);
            long pristine = count(SampleCatalog.ROSEMETA, table.table());
            assertThat(table.rowsBefore()).as("pre-validation count of %s (the writer may have added rows)", table.table())
                    .isBetween(pristine, pristine + ConcurrentWriter.inserted(pg, copy.database(), table.table()));
            assertThat(table.pastRetentionBefore()).as("pre-validation of %s", table.table()).isEqualTo(expected);
            assertThat(table.deleted()).as("deleted from %s", table.table()).isEqualTo(expected);
            assertThat(table.pastRetentionAfter()).isZero();
            assertThat(countOlderThan(copy.database(), table.table(), column, table.cutoff())).isZero();
            assertThat(count(copy.database(), table.table()) - ConcurrentWriter.inserted(pg, copy.database(), table.table()))
                    .as("rows kept in %s", table.table())
                    .isEqualTo(count(SampleCatalog.ROSEMETA, table.table()) - expected);
        }
        assertThat(outcome.rowsDeleted()).isEqualTo(expectedTotal);
        for (String untouched : List.of("rosemeta_table", "rosemeta_attribute", "object_lineage_link")) {
            assertThat(count(copy.database(), untouched)).isEqualTo(count(SampleCatalog.ROSEMETA, untouched));
        }

        var progress = events.progress(command.migrationId()).stream().map(ProgressReported.class::cast).toList();
        assertThat(progress).extracting(ProgressReported::phase).contains("pre-validation", "deleting", "post-validation");
        long planned = expectedTotal;
        assertThat(progress).filteredOn(p -> p.phase().equals("deleting"))
                .anySatisfy(p -> assertThat(p.done()).isEqualTo(p.total()).isEqualTo(planned));
        assertThat(ledgerRun(command.commandId())).isEqualTo(Map.of("state", "FINISHED", "status", "SUCCEEDED"));
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void dryRunReportsWhatPurgeWouldDeleteAndDeletesNothing() {
        PgEndpoint copy = copyOfCatalog();

        var outcome = (PruneCompleted) send(command(copy, PruneMode.DRY_RUN, List.of("qli", "metrics")));

        assertThat(outcome.mode()).isEqualTo(PruneMode.DRY_RUN);
        assertThat(outcome.rowsDeleted()).isZero();
        assertThat(outcome.tables()).hasSize(7).allSatisfy(table -> {
            assertThat(table.status()).isEqualTo(PrunedTable.Status.WOULD_DELETE);
            assertThat(table.pastRetentionBefore()).isEqualTo(
                    countOlderThan(SampleCatalog.ROSEMETA, table.table(), prunable().get(table.table()), table.cutoff()));
        });
        assertUntouched(copy.database());
    }

    @Test
    void aRedeliveredCommandDeletesOnceAndAnswersOnce() throws InterruptedException {
        PgEndpoint copy = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of("metrics"));

        commands.send(Topics.PRUNE_COMMAND, io.catalogmigration.common.contract.PruneCommand.class, command);
        var outcome = (PruneCompleted) send(command);
        Thread.sleep(2_000); // room for a second, wrong, outcome to show up

        assertThat(events.outcomes(command.commandId())).hasSize(1);
        assertThat(outcome.tables()).allSatisfy(t -> assertThat(t.deleted()).isEqualTo(t.pastRetentionBefore()).isPositive());
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from prune.run where run_id = '" + command.commandId() + "'")).isEqualTo(1);
    }

    @Test
    void deletionsBeyondToleranceFailTheRunAndNameBothNumbers() {
        PgEndpoint copy = copyOfCatalog();
        // A new event still points at an old session: the guard keeps that session, so one planned row stays.
        pg.execute(copy.database(), """
                insert into rosemeta_executionevent (session_id, ts_created, query_text)
                select id, now(), 'select 1' from rosemeta_executionsession
                where ts_created < now() - interval '7 months' order by id limit 1""");

        var outcome = (PruneFailed) send(command(copy, PruneMode.PURGE, List.of("qli")));

        assertThat(outcome.reason()).contains("rosemeta_executionsession", "greater than the tolerated difference of 0",
                "1 rows older than");
        assertThat(outcome.action()).isNotBlank();
        var sessions = outcome.tables().stream().filter(t -> t.table().equals("rosemeta_executionsession")).findFirst().orElseThrow();
        assertThat(sessions.pastRetentionAfter()).isEqualTo(1);
        assertThat(sessions.deleted()).isEqualTo(sessions.pastRetentionBefore() - 1);
        assertThat(ledgerRun(outcome.runId())).isEqualTo(Map.of("state", "FINISHED", "status", "FAILED"));
    }

    @Test
    void aMissingTableIsSkippedWithANoteAndTheRestIsPruned() {
        PgEndpoint copy = copyOfCatalog();
        pg.execute(copy.database(), "drop table metrics_metric");

        var outcome = (PruneCompleted) send(command(copy, PruneMode.PURGE, List.of("metrics")));

        assertThat(outcome.tables()).anySatisfy(t -> {
            assertThat(t.table()).isEqualTo("metrics_metric");
            assertThat(t.status()).isEqualTo(PrunedTable.Status.SKIPPED);
            assertThat(t.note()).contains("does not exist");
        });
        assertThat(outcome.tables()).anySatisfy(t -> {
            assertThat(t.table()).isEqualTo("metrics_event");
            assertThat(t.status()).isEqualTo(PrunedTable.Status.PRUNED);
            assertThat(t.deleted()).isPositive().isEqualTo(t.pastRetentionBefore());
        });
        assertThat(outcome.notes()).anyMatch(n -> n.contains("metrics_metric"));
    }

    @Test
    void aGroupWithNothingPastRetentionIsReportedAsSuchNotAsAnError() {
        PgEndpoint copy = copyOfCatalog();
        pg.execute(copy.database(), "delete from rosemeta_metadatachangestats where ts_created < now() - interval '150 days'");

        var outcome = (PruneCompleted) send(command(copy, PruneMode.PURGE, List.of("metadata")));

        assertThat(outcome.tables()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(PrunedTable.Status.NOTHING_TO_DELETE);
            assertThat(t.note()).contains("close to 0 records to process");
            assertThat(t.deleted()).isZero();
        });
    }

    @Test
    void anUnknownGroupFailsClearlyAndDeletesNothing() {
        PgEndpoint copy = copyOfCatalog();

        var outcome = (PruneFailed) send(command(copy, PruneMode.PURGE, List.of("qli", "qlii")));

        assertThat(outcome.reason()).contains("unknown group 'qlii'", "metadata, metrics, qli");
        assertThat(outcome.action()).contains("nothing was deleted");
        assertUntouched(copy.database());
    }

    @Test
    void aMissingSecretFailsClearlyWithoutItsValueAndDeletesNothing() {
        PgEndpoint copy = copyOfCatalog();
        var endpoint = new PgEndpoint(copy.host(), copy.port(), copy.database(), copy.user(), "disable", "env:PRUNE_TEST_NO_SUCH_SECRET");

        var outcome = (PruneFailed) send(command(endpoint, PruneMode.PURGE, List.of()));

        assertThat(outcome.reason()).contains("env:PRUNE_TEST_NO_SUCH_SECRET", "is not set");
        assertUntouched(copy.database());
    }

    @Test
    void anUnreachableDatabaseFailsClearlyAndDeletesNothing() throws Exception {
        PgEndpoint copy = copyOfCatalog();
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var endpoint = new PgEndpoint("127.0.0.1", closedPort, copy.database(), copy.user(), "disable", copy.passwordRef());

        var outcome = (PruneFailed) send(command(endpoint, PruneMode.PURGE, List.of()));

        assertThat(outcome.reason()).contains("cannot plan against", "127.0.0.1:" + closedPort);
        assertThat(outcome.action()).contains("reachable");
        assertUntouched(copy.database());
    }

    @Test
    void malformedJsonAndUnknownCommandsGoToTheDeadLetterTopicAndChangeNothing() {
        String key = "bad-" + UUID.randomUUID();
        commands.sendRaw(Topics.PRUNE_COMMAND, key, "{\"type\":\"StartPrune\", this is not json");
        commands.sendRaw(Topics.PRUNE_COMMAND, key, "{\"type\":\"PruneEverything\",\"commandId\":\"" + UUID.randomUUID() + "\"}");

        var first = events.awaitRecord(Topics.deadLetter(Topics.PRUNE_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("this is not json"), Duration.ofSeconds(30));
        var second = events.awaitRecord(Topics.deadLetter(Topics.PRUNE_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("PruneEverything"), Duration.ofSeconds(30));

        assertThat(first.headers()).containsKey("kafka_dlt-exception-message").doesNotContainKey("kafka_dlt-exception-stacktrace");
        assertThat(second.headers().get("kafka_dlt-exception-message")).isNotBlank();
        assertUntouched(SampleCatalog.ROSEMETA);
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from prune.run where state <> 'FINISHED'")).isZero();
    }

    @Test
    void aForgedWorkMessageCannotNameADatabaseATableOrARangeOfItsOwn() {
        PgEndpoint copy = copyOfCatalog();
        PgEndpoint bystander = copyOfCatalog();
        var command = command(copy, PruneMode.PURGE, List.of("metrics"));
        var workers = service.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
                .getListenerContainer("prune-workers");
        String forgedKey = "forged-" + UUID.randomUUID();
        PruneCompleted outcome;
        workers.pause();
        try {
            commands.send(Topics.PRUNE_COMMAND, io.catalogmigration.common.contract.PruneCommand.class, command);
            org.awaitility.Awaitility.await("the run's batches published").atMost(OUTCOME_TIMEOUT).until(() -> pg.queryForLong(
                    ServiceRunner.CONTROL_DATABASE, "select count(*) from prune.batch where run_id = '" + command.commandId()
                            + "' and state = 'PUBLISHED'") > 0);
            // The old work message's shape, naming another database, a catalog table and every row in it...
            commands.sendRaw(Topics.PRUNE_WORK, forgedKey, """
                    {"runId":"%s","migrationId":"%s","seq":1,"phase":0,
                     "database":{"host":"%s","port":%d,"database":"%s","user":"%s","sslmode":"disable","passwordRef":"%s"},
                     "ranges":[{"table":"rosemeta_table","keyColumn":"id","timestampColumn":"ts_created",
                                "cutoff":"2100-01-01T00:00:00Z","fromExclusive":-1,"toInclusive":9223372036854775807,"guards":[]}]}
                    """.formatted(command.commandId(), command.migrationId(), bystander.host(), bystander.port(),
                    bystander.database(), bystander.user(), bystander.passwordRef()));
            // ...and ids alone: of a batch never planned, of a run this ledger does not know
            commands.sendRaw(Topics.PRUNE_WORK, forgedKey, "{\"runId\":\"" + command.commandId() + "\",\"migrationId\":\"x\",\"seq\":999}");
            commands.sendRaw(Topics.PRUNE_WORK, forgedKey, "{\"runId\":\"" + UUID.randomUUID() + "\",\"migrationId\":\"x\",\"seq\":1}");
            // the planned batch 1 again, as ids: it deletes what the planner recorded, once
            commands.sendRaw(Topics.PRUNE_WORK, forgedKey, "{\"runId\":\"" + command.commandId() + "\",\"migrationId\":\"x\",\"seq\":1}");
        } finally {
            workers.resume();
        }
        outcome = (PruneCompleted) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

        assertUntouched(bystander.database());
        for (String untouched : List.of("rosemeta_table", "rosemeta_attribute", "object_lineage_link")) {
            assertThat(count(copy.database(), untouched)).as(untouched).isEqualTo(count(SampleCatalog.ROSEMETA, untouched));
        }
        assertThat(outcome.tables()).isNotEmpty().allSatisfy(t -> assertThat(t.deleted()).as(t.table())
                .isEqualTo(t.pastRetentionBefore()).isEqualTo(countOlderThan(SampleCatalog.ROSEMETA, t.table(),
                        prunable().get(t.table()), t.cutoff())));
        var parked = events.awaitRecord(Topics.deadLetter(Topics.PRUNE_WORK),
                r -> forgedKey.equals(r.key()) && r.value().contains("ranges"), Duration.ofSeconds(30));
        assertThat(parked.headers().get("migration-dlt-reason")).contains("Unrecognized property");
    }

    @Test
    void aFailedDeleteReportsTheServersMessageWithoutTheRowValuesOfItsDetail() {
        PgEndpoint copy = copyOfCatalog();
        String table = prunable().keySet().stream().filter(t -> t.startsWith("rosemeta_metric")).findFirst()
                .orElse(prunable().keySet().iterator().next());
        pg.execute(copy.database(), """
                create function refuse_delete() returns trigger language plpgsql as $$
                begin
                  raise exception 'deletes are refused here' using detail = 'row ' || old::text || ' canary-row-value';
                end $$;
                create trigger refuse_delete before delete on %s for each row execute function refuse_delete();
                """.formatted(table));

        var outcome = (PruneFailed) send(command(copy, PruneMode.PURGE, List.of()));

        assertThat(outcome.reason()).contains("deletes are refused here", "P0001").doesNotContain("canary-row-value", "Detail");
        assertThat(events.records()).noneMatch(r -> r.value().contains("canary-row-value")
                || r.headers().values().stream().anyMatch(h -> h.contains("canary-row-value")));
    }

    static Map<String, String> ledgerRun(UUID runId) {
        try (var c = pg.connect(ServiceRunner.CONTROL_DATABASE);
             var rs = c.createStatement().executeQuery("select state, status from prune.run where run_id = '" + runId + "'")) {
            rs.next();
            return Map.of("state", rs.getString(1), "status", rs.getString(2));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
