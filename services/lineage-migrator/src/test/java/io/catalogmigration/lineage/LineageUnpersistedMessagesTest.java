package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A published message that nobody will persist (dead-lettered after its retries, or dropped on the way) used to hold
 * its run open for ever, with no outcome. Once the work topic is drained and nothing moves, the run publishes it again
 * from the pointer; a message that keeps failing ends the run, naming it and where to look.
 */
class LineageUnpersistedMessagesTest extends LineageTestBase {

    /** One message per poll, a break after each, a short lease (the watch looks every half lease), quick retries. */
    static final Map<String, Object> SETTINGS = Map.of("lineage.messages-per-poll", 1, "lineage.consumers", 1,
            "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1,
            "migration.consumer-throttling.duration", "150ms", "lineage.lease-ttl", "1s",
            "migration.retry.initial-interval-ms", 100, "migration.retry.max-attempts", 2);

    @BeforeAll
    static void start() {
        startRealParts(SampleSize.tiny());
    }

    @Test
    void aDeadLetteredMessageIsPublishedAgainOnceTheTopicIsDrainedAndTheRunEndsExactWhenItsFaultIsGone() {
        var run = startARunWhoseLastMessageIsRefused();
        var source = run.source();
        var target = run.target();
        var command = run.command();
        try {

            await().atMost(OUTCOME_TIMEOUT).until(() -> linksJobMessages(command.commandId()),
                    said -> said != null && said.contains("were not persisted though the work topic is drained"));
            assertThat(linksJobMessages(command.commandId())).contains(Topics.deadLetter(Topics.LINEAGE_WORK), "round 1 of 3");
            pg.execute(target.database(), "drop trigger refuse_last_links on edge");

            var outcome = events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
            assertThat(outcome).isInstanceOf(LineageMigrated.class);
            assertThat(((LineageMigrated) outcome).edges()).isEqualTo(distinctLinks(source));
            assertGraphEqualsSource(source, target);
        } finally {
            ServiceRunner.stop(run.service());
        }
    }

    @Test
    void aMessageThatKeepsFailingEndsTheRunNamingItInsteadOfHoldingItOpenForEver() {
        var run = startARunWhoseLastMessageIsRefused();
        var target = run.target();
        var command = run.command();
        try {

            var outcome = events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome).isInstanceOf(LineageMigrationFailed.class);
            var failed = (LineageMigrationFailed) outcome;
            assertThat(failed.reason()).contains("1 published messages (numbers [", "were never persisted",
                    "published again 3 times");
            assertThat(failed.action()).contains(Topics.deadLetter(Topics.LINEAGE_WORK), "StartLineageMigration");
            assertThat(linksJobMessages(command.commandId())).contains("round 3 of 3");
            assertThat(pg.queryForLong(target.database(),
                    "select count(*) from lineage_setting where name = 'lineage_v3_enabled' and value = 'true'"))
                    .as("V3 stays off").isZero();
        } finally {
            ServiceRunner.stop(run.service());
        }
    }

    private record Run(String source, PgEndpoint target, StartLineageMigration command, ConfigurableApplicationContext service) {
    }

    /** A source of 2,000 links in 20 messages, a service, a START, and the last message's edges refused. */
    private static Run startARunWhoseLastMessageIsRefused() {
        String source = changeableSource(2_000);
        var target = freshTarget();
        var command = start(source, target, 100);
        var service = startService(SETTINGS);
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            refuseTheLastLinks(target);
        } catch (RuntimeException e) {
            ServiceRunner.stop(service);
            throw e;
        }
        return new Run(source, target, command, service);
    }

    /**
     * Once the run has made the graph's tables, a trigger refuses the edges of the source's last object (500 in a
     * changeable source of 2,000 links): the message holding them (the last one, the stream is in key order) fails
     * every time it is persisted.
     */
    private static void refuseTheLastLinks(PgEndpoint target) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                pg.queryForLong(target.database(), "select count(*) from pg_class where relname = 'edge'") == 1);
        pg.execute(target.database(), """
                create function refuse_last_links() returns trigger language plpgsql as $$
                begin raise exception 'refused by the test'; end $$""", """
                create trigger refuse_last_links before insert on edge for each row
                when (new.source_id = 500) execute function refuse_last_links()""");
    }
}
