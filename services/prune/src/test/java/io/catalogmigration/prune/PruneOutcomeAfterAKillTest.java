package io.catalogmigration.prune;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CloudEventHeaders;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.run.PausePoint;
import io.catalogmigration.testkit.ServiceProcess;
import io.catalogmigration.testkit.ServiceRunner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Exactly one outcome per run", proved by killing the service (SIGKILL, a JVM of its own) at the two places where a
 * crash used to cost an outcome or repeat one: after the run's end and outcome are recorded but before the relay sent
 * anything, and after the broker acknowledged the outcome but before the outbox marked it sent. Each time the restarted
 * service (in the test's JVM: only the kill needs a process of its own) leaves exactly one outcome of the run on migration.outcome and the run finished in the ledger.
 */
class PruneOutcomeAfterAKillTest extends PruneTestBase {

    private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aServiceKilledAfterTheBrokerAcknowledgedTheOutcomeButBeforeItWasMarkedSentDoesNotPublishItAgain() {
        var command = command(copyOfCatalog(), PruneMode.DRY_RUN, List.of("metrics"));
        UUID runId = command.commandId();
        try (var service = ServiceProcess.start(PruneApplication.class, pg, kafka.bootstrapServers(), Map.of(),
                PausePoint.OUTCOME_SENT)) {
            commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
            service.awaitPause(PausePoint.OUTCOME_SENT, PAUSE_TIMEOUT);

            assertThat(outcomesOnTheTopic(runId)).as("on the topic when the service is killed").hasSize(1);
            assertThat(outbox(runId, "ts_sent is null and attempts = 1")).as("recorded, one send begun, not marked").isEqualTo(1);
            assertThat(run(runId, "state = 'FINISHED' and status = 'SUCCEEDED'")).isEqualTo(1);
            service.kill();
        }

        var restarted = startService(Map.of());
        try {
            await().atMost(PAUSE_TIMEOUT).until(() -> outbox(runId, "ts_sent is not null") == 1);

            var outcomes = outcomesOnTheTopic(runId);
            assertThat(outcomes).as("outcomes of the run on %s after the restart", Topics.OUTCOME).hasSize(1);
            assertThat(outcomes.get(0)).isInstanceOf(PruneCompleted.class);
            assertThat(outbox(runId, "attempts = 2")).as("the restarted relay's attempt found it, sent nothing").isEqualTo(1);
            assertThat(run(runId, "state = 'FINISHED' and status = 'SUCCEEDED'")).isEqualTo(1);
        } finally {
            ServiceRunner.stop(restarted);
        }
    }

    @Test
    void aServiceKilledAfterRecordingTheOutcomeButBeforeSendingItPublishesItOnceWhenRestarted() {
        var command = command(copyOfCatalog(), PruneMode.DRY_RUN, List.of("metrics"));
        UUID runId = command.commandId();
        try (var service = ServiceProcess.start(PruneApplication.class, pg, kafka.bootstrapServers(), Map.of(),
                PausePoint.OUTCOME_RECORDED)) {
            commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
            service.awaitPause(PausePoint.OUTCOME_RECORDED, PAUSE_TIMEOUT);

            assertThat(run(runId, "state = 'FINISHED' and status = 'SUCCEEDED'")).as("finished in the ledger").isEqualTo(1);
            assertThat(outbox(runId, "ts_sent is null and attempts = 0")).as("recorded, never sent").isEqualTo(1);
            assertThat(outcomesOnTheTopic(runId)).as("on the topic when the service is killed").isEmpty();
            service.kill();
        }

        var restarted = startService(Map.of());
        try {
            var outcome = (PruneCompleted) events.awaitOutcome(runId, OUTCOME_TIMEOUT);
            await().atMost(PAUSE_TIMEOUT).until(() -> outbox(runId, "ts_sent is not null") == 1);

            assertThat(outcome.mode()).isEqualTo(PruneMode.DRY_RUN);
            assertThat(outcomesOnTheTopic(runId)).as("outcomes of the run on %s after the restart", Topics.OUTCOME).hasSize(1);
            assertThat(outbox(runId, "attempts = 1")).as("sent by the restarted relay without a search").isEqualTo(1);
            assertThat(run(runId, "state = 'FINISHED' and status = 'SUCCEEDED'")).isEqualTo(1);
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                    "select count(*) from prune.run_message where run_id = '" + runId + "' and message like 'Dry run:%'"))
                    .as("the run said its last word once: the restart did not run it again").isEqualTo(1);
        } finally {
            ServiceRunner.stop(restarted);
        }
    }

    @Test
    void anOutcomeWhoseEarlierSendNeverReachedTheTopicIsSentOnceWhenTheRelayFindsItMissing() {
        var service = startService(Map.of());
        try {
            // What a send that failed (the broker away) leaves: the run finished, its outcome recorded, one send begun.
            UUID runId = UUID.randomUUID();
            var outcome = new PruneFailed(UUID.randomUUID(), "mig-" + runId.toString().substring(0, 8), Instant.now(),
                    runId, "rosemeta", "the test's reason", "the test's action", List.of());
            pg.execute(ServiceRunner.CONTROL_DATABASE, """
                    insert into prune.run (run_id, migration_id, kind, state, status, stage, command)
                    values ('%s', '%s', 'prune', 'FINISHED', 'FAILED', 'DONE', '{}')""".formatted(runId, outcome.migrationId()),
                    """
                    insert into prune.outcome_outbox (event_id, run_id, topic, message_key, payload, attempts, ts_attempted)
                    values ('%s', '%s', '%s', '%s', '%s', 1, now())""".formatted(outcome.eventId(), runId, Topics.OUTCOME,
                            outcome.migrationId(), MessageJson.mapper().writeValueAsString(outcome).replace("'", "''")));

            assertThat(events.awaitOutcome(runId, OUTCOME_TIMEOUT)).isEqualTo(outcome);
            await().atMost(PAUSE_TIMEOUT).until(() -> outbox(runId, "ts_sent is not null") == 1);
            assertThat(outcomesOnTheTopic(runId)).hasSize(1);
            assertThat(outbox(runId, "attempts = 2")).as("looked for on the topic, then sent").isEqualTo(1);
        } finally {
            ServiceRunner.stop(service);
        }
    }

    private static long run(UUID runId, String condition) {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from prune.run where run_id = '" + runId + "' and " + condition);
    }

    private static long outbox(UUID runId, String condition) {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from prune.outcome_outbox where run_id = '" + runId + "' and " + condition);
    }

    /** Every outcome of the run on the topic, read from its beginning to its end as it is now (not a follower's view). */
    private static List<OutcomeEvent> outcomesOnTheTopic(UUID runId) {
        Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<OutcomeEvent> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.OUTCOME).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("read %s to its end in time", Topics.OUTCOME).isLessThan(deadline);
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    var event = MessageJson.mapper().readValue(record.value(), OutcomeEvent.class);
                    if (event.runId().equals(runId)) {
                        assertThat(CloudEventHeaders.read(record.headers(), CloudEventHeaders.ID))
                                .isEqualTo(event.eventId().toString());
                        found.add(event);
                    }
                }
            }
        }
        return found;
    }
}
