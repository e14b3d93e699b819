package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults while publishing: the control database restarted under the publisher, and a publisher that dies and never
 * comes back. To stop the publisher mid-stream at a known point, the scenarios hold a lock on the ledger's message
 * table once the first messages are out: the next window blocks on it until the fault strikes.
 */
class LineageFaultsTest extends LineageTestBase {

    @BeforeAll
    static void start() {
        startRealParts(SampleSize.tiny());
    }

    @Test
    void theControlDatabaseRestartedWhilePublishingEndsInAnExactGraph() throws Exception {
        String source = changeableSource(20_000);
        var target = freshTarget();
        var command = start(source, target, 1);
        var service = startService(Map.of("lineage.publish-retry-interval", "200ms"));
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            try (Connection lock = lockMessagesOnceSomeAreOut(command.commandId())) {
                assertThat(stage(command.commandId())).as("the run is still publishing").isEqualTo("PUBLISHING");
                // A fast shutdown ends every session (57P01), the lock's too; 0.5 s later the server is back.
                pg.restart(Duration.ofMillis(500));
            }

            var outcome = (LineageMigrated) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.edges()).isEqualTo(distinctLinks(source));
            assertGraphEqualsSource(source, target);
            assertThat(linksJobMessages(command.commandId())).as("the publisher said what it waited for")
                    .contains("resumed after waiting for");
        } finally {
            ServiceRunner.stop(service);
        }
    }

    @Test
    void aPublisherThatDiesAndStaysDownIsTakenOverByTheSurvivingInstance() throws Exception {
        String source = changeableSource(20_000);
        var target = freshTarget();
        var command = start(source, target, 1);
        Map<String, Object> shortLease = Map.of("lineage.lease-ttl", "2s", "lineage.publish-retry-interval", "200ms");
        var a = startService(shortLease);
        var b = startService(shortLease);
        ConfigurableApplicationContext survivor = null;
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            String owner;
            try (Connection lock = lockMessagesOnceSomeAreOut(command.commandId())) {
                owner = text(ServiceRunner.CONTROL_DATABASE, "select owner from lineage.run_lease where run_id = '"
                        + command.commandId() + "'");
                var dead = instance(a).equals(owner) ? a : b;
                survivor = dead == a ? b : a;
                // The publisher's instance goes away for good while its publisher is stuck mid-stream.
                ServiceRunner.stop(dead);
            }

            var outcome = (LineageMigrated) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.edges()).isEqualTo(distinctLinks(source));
            assertGraphEqualsSource(source, target);
            assertThat(linksJobMessages(command.commandId())).contains("Taken over by " + instance(survivor) + " from " + owner);
        } finally {
            ServiceRunner.stop(a);
            ServiceRunner.stop(b);
        }
    }

    private static String instance(ConfigurableApplicationContext context) {
        return context.getBean(LineageInstance.class).id();
    }

    private static String stage(UUID runId) {
        return text(ServiceRunner.CONTROL_DATABASE, "select stage from lineage.run where run_id = '" + runId + "'");
    }

    /** Waits for the run's first messages on the work topic, then locks the ledger's message table against writes. */
    private static Connection lockMessagesOnceSomeAreOut(UUID runId) throws Exception {
        await().atMost(OUTCOME_TIMEOUT).until(() -> events.records(Topics.LINEAGE_WORK).stream()
                .anyMatch(r -> MessageJson.mapper().readValue(r.value(), LinkBatch.class).runId().equals(runId)));
        Connection lock = pg.connect(ServiceRunner.CONTROL_DATABASE);
        lock.setAutoCommit(false);
        lock.createStatement().execute("lock table lineage.link_batch in exclusive mode");
        return lock;
    }
}
