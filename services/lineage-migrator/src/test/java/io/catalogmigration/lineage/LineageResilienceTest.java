package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scenarios that need more links than a tiny catalog: stopping mid-run, several instances, throttling. */
class LineageResilienceTest extends LineageTestBase {

    @BeforeAll
    static void start() {
        startRealParts(new SampleSize(10, 1, 1, 10, 10, 10, 1, 150_000, 0.2));
    }

    @Test
    void aServiceStoppedWhilePublishingResumesFromThePointerAndLosesAndDuplicatesNothing() {
        var target = freshTarget();
        var command = start(target);
        // Slow consumers (a throttle that always pauses) leave most messages unpersisted when the service stops.
        var first = startService(Map.of("lineage.messages-per-poll", 20, "lineage.consumers", 1,
                "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1, "migration.consumer-throttling.duration", "200ms"));
        long pointerAtStop;
        int workRecordsAtStop;
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            await().atMost(Duration.ofSeconds(60)).until(() -> events.progress(command.migrationId()).stream()
                    .map(ProgressReported.class::cast).anyMatch(p -> p.phase().equals("persisting")) && pointer() > 0);
        } finally {
            ServiceRunner.stop(first);
        }
        pointerAtStop = pointer();
        workRecordsAtStop = events.records(Topics.LINEAGE_WORK).size();
        assertThat(pointerAtStop).as("pointer when the first instance stopped").isPositive().isLessThan(distinctLinks());
        assertThat(edges(target)).as("everything up to the pointer is persisted").isGreaterThanOrEqualTo(pointerAtStop);
        assertThat(events.outcomes(command.commandId())).isEmpty();

        var second = startService(Map.of());
        try {
            var outcome = (LineageMigrated) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.edges()).isEqualTo(distinctLinks());
            assertGraphEqualsSource(target);
            assertThat(pointer()).isEqualTo(distinctLinks());
            assertThat(events.outcomes(command.commandId())).hasSize(1);
            var republished = events.records(Topics.LINEAGE_WORK).subList(workRecordsAtStop, events.records(Topics.LINEAGE_WORK).size())
                    .stream().map(r -> MessageJson.mapper().readValue(r.value(), LinkBatch.class))
                    .filter(b -> b.runId().equals(command.commandId())).toList();
            if (!republished.isEmpty()) {
                assertThat(republished).as("a restart publishes from the pointer, never before it")
                        .allSatisfy(b -> assertThat(b.firstOrdinal()).isGreaterThanOrEqualTo(pointerAtStop));
            }
        } finally {
            ServiceRunner.stop(second);
        }
    }

    @Test
    void twoInstancesShareTheMessagesAcrossPartitionsAndTheResultIsExact() {
        var target = freshTarget();
        var command = start(target);
        var a = startService(Map.of("lineage.messages-per-poll", 25));
        var b = startService(Map.of("lineage.messages-per-poll", 25));
        try {
            await("both instances hold partitions of the work topic").atMost(Duration.ofSeconds(60)).until(() ->
                    assigned(a) > 0 && assigned(b) > 0 && assigned(a) + assigned(b) == 6);
            var outcome = (LineageMigrated) send(command);

            assertThat(outcome.edges()).isEqualTo(distinctLinks());
            assertGraphEqualsSource(target);
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(distinct processed_by) from lineage.link_batch"
                    + " where run_id = '" + command.commandId() + "'")).as("consumer instances that persisted messages").isEqualTo(2);
        } finally {
            ServiceRunner.stop(a);
            ServiceRunner.stop(b);
        }
    }

    private static int assigned(org.springframework.context.ConfigurableApplicationContext context) {
        var container = context.getBean(org.springframework.kafka.config.KafkaListenerEndpointRegistry.class)
                .getListenerContainer("lineage-consumers");
        var partitions = container == null ? null : container.getAssignedPartitions();
        return partitions == null ? 0 : partitions.size();
    }

    @Test
    void aSecondStartWhileOneRunsIsRefusedWithTheRunningOneNamed() {
        var target = freshTarget();
        var slow = startService(Map.of("lineage.messages-per-poll", 50, "migration.consumer-throttling.enabled", true,
                "migration.consumer-throttling.threshold", 1, "migration.consumer-throttling.duration", "100ms"));
        try {
            var first = start(target);
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, first);
            var refused = (LineageMigrationFailed) send(start(target));

            assertThat(refused.reason()).contains("already running", first.commandId().toString());
            var outcome = (LineageMigrated) events.awaitOutcome(first.commandId(), OUTCOME_TIMEOUT);
            assertThat(outcome.edges()).isEqualTo(distinctLinks());
            double pauses = slow.getBean(MeterRegistry.class).counter("migration.consumer.throttle.pauses").count();
            assertThat(pauses).as("throttle pauses taken, with no record lost").isPositive();
            assertGraphEqualsSource(target);
        } finally {
            ServiceRunner.stop(slow);
        }
    }
}
