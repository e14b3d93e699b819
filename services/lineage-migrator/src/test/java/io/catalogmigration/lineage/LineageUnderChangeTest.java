package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageValidated;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source changes while a run is under way or interrupted: the graph must still equal the source's distinct links
 * as they are when the run ends, and validation must compare sets, not counts.
 */
class LineageUnderChangeTest extends LineageTestBase {

    /** Consumers that take a break after every poll (a throttle that always pauses): a run that stays under way. */
    static final Map<String, Object> SLOW = Map.of("lineage.messages-per-poll", 20, "lineage.consumers", 1,
            "migration.consumer-throttling.enabled", true, "migration.consumer-throttling.threshold", 1, "migration.consumer-throttling.duration", "200ms",
            "lineage.lease-ttl", "2s");

    @BeforeAll
    static void start() {
        startRealParts(SampleSize.tiny());
    }

    @Test
    void linksDeletedAndAddedWhileARunIsInterruptedEndInAGraphEqualToTheSourceAtTheEnd() {
        String source = changeableSource(16_000);
        var target = freshTarget();
        // One link per message: publishing takes long enough to be interrupted in the middle, with the pointer
        // (which trails publishing) already past a few hundred links.
        var command = start(source, target, 1);
        var first = startService(Map.of("lineage.lease-ttl", "2s"));
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            await().atMost(OUTCOME_TIMEOUT).ignoreExceptions().until(() -> pointer() >= 300);
            assertThat(text(ServiceRunner.CONTROL_DATABASE, "select stage from lineage.run where run_id = '"
                    + command.commandId() + "'")).as("interrupted while publishing").isEqualTo("PUBLISHING");
        } finally {
            ServiceRunner.stop(first);
        }
        long pointerAtStop = pointer();
        assertThat(pointerAtStop).as("the run was interrupted part way").isLessThan(distinctLinks(source));
        long lastPersistedSource = pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select last_source from lineage.message_queue_pointer where job_name = 'Lineage_V2_To_V3_Migration'");
        // Behind the pointer: persisted links deleted (a position would now point past links never published) and
        // new links added; ahead of it: links deleted and added too.
        pg.execute(source, "delete from object_lineage_link where source in (2, 3, " + (lastPersistedSource - 1) + ")",
                "insert into object_lineage_link (source, source_otype, target, target_otype) select 1, 'table', 900000 + g, "
                        + "'bi_report' from generate_series(1, 25) g",
                "delete from object_lineage_link where source between 2000 and 2010",
                "insert into object_lineage_link (source, source_otype, target, target_otype) select 9000 + g, 'dataflow', g, "
                        + "'table' from generate_series(1, 30) g",
                "update object_lineage_link set source_is_temp = true where source = 5");

        var second = startService(Map.of("lineage.lease-ttl", "2s"));
        try {
            var outcome = (LineageMigrated) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.sourceLinks()).as("the source's distinct links when the run ended").isEqualTo(distinctLinks(source));
            assertThat(outcome.edges()).isEqualTo(distinctLinks(source));
            assertGraphEqualsSource(source, target);
            // resumed by key: at the key the pointer had reached when the publisher took over (the messages already
            // on the topic may have been persisted meanwhile, moving it past where it was at the stop)
            assertThat(linksJobMessages(command.commandId())).contains("Publishing links after key LinkKey[source=");
            // The first load went without the edge key; links after the pointer may have been written already, so the
            // key was built before they were published again, and not a second time at the end.
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from lineage.run_message where run_id = '"
                    + command.commandId() + "' and message like 'Built the edge table''s primary key in % ms, before publishing again'"))
                    .isOne();
            assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from lineage.run_message where run_id = '"
                    + command.commandId() + "' and message like 'Built the edge table''s primary key over the loaded links%'")).isZero();
            var validated = (LineageValidated) send(new ValidateLineage(UUID.randomUUID(), "mig-v", Instant.now(),
                    pg.endpoint(source), target));
            assertThat(validated.equal()).isTrue();
        } finally {
            ServiceRunner.stop(second);
        }
    }

    @Test
    void linksAddedAndDeletedDuringARunAreMigratedAndRemovedBeforeV3IsSwitchedOn() {
        String source = changeableSource(30_000);
        var target = freshTarget();
        var command = start(source, target, null);
        var service = startService(SLOW);
        try {
            commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
            await().atMost(OUTCOME_TIMEOUT).until(() -> events.progress(command.migrationId()).stream()
                    .map(ProgressReported.class::cast).anyMatch(p -> p.phase().equals("persisting")));
            pg.execute(source, "insert into object_lineage_link (source, source_otype, target, target_otype) "
                            + "select g, 'table', 700000 + g, 'attribute' from generate_series(1, 7000, 700) g",
                    "delete from object_lineage_link where source in (4, 4000, 7000)");
            long atTheEnd = distinctLinks(source);

            var outcome = (LineageMigrated) events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

            assertThat(outcome.sourceLinks()).isEqualTo(atTheEnd);
            assertGraphEqualsSource(source, target);
            assertThat(linksJobMessages(command.commandId())).contains("Reconciliation by key");
            assertThat(text(target.database(), "select value from lineage_setting where name = 'lineage_v3_enabled'"))
                    .isEqualTo("true");
        } finally {
            ServiceRunner.stop(service);
        }
    }

    @Test
    void validationComparesSetsSoOneLinkSwappedForAnotherIsNotEqual() {
        String source = changeableSource(2_000);
        var target = freshTarget();
        var service = startService(Map.of());
        try {
            assertThat(send(start(source, target, null))).isInstanceOf(LineageMigrated.class);
            pg.execute(source, "delete from object_lineage_link where source = 10 and source_otype = 'table'",
                    "insert into object_lineage_link (source, source_otype, target, target_otype) values (10, 'table', 424242, 'table')");

            var validated = (LineageValidated) send(new ValidateLineage(UUID.randomUUID(), "mig-v", Instant.now(),
                    pg.endpoint(source), target));

            assertThat(validated.sourceLinks()).as("the counts alone agree").isEqualTo(validated.edges());
            assertThat(validated.equal()).isFalse();
        } finally {
            ServiceRunner.stop(service);
        }
    }

    @Test
    void resetAndRunAgainRemovesWhatTheEarlierRunWroteForLinksThatAreGone() {
        String source = changeableSource(3_000);
        var target = freshTarget();
        var service = startService(Map.of());
        try {
            assertThat(send(start(source, target, null))).isInstanceOf(LineageMigrated.class);
            pg.execute(source, "delete from object_lineage_link where source between 100 and 200");

            resetPointer();
            var again = (LineageMigrated) send(start(source, target, null));

            assertThat(again.edges()).isEqualTo(distinctLinks(source));
            assertGraphEqualsSource(source, target);
        } finally {
            ServiceRunner.stop(service);
        }
    }
}
