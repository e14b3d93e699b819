package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.LineageMigrationFailed;
import io.catalogmigration.common.contract.LineagePointerReset;
import io.catalogmigration.common.contract.LineageValidated;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LineageServiceTest extends LineageTestBase {

    static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        startRealParts(SampleSize.tiny());
        service = startService(Map.of());
    }

    @AfterAll
    static void stop() {
        ServiceRunner.stop(service);
    }

    @Test
    void aFullRunMigratesEveryDistinctLinkOnceValidatesAndEnablesV3() {
        var target = freshTarget();
        var command = start(target);

        var outcome = (LineageMigrated) send(command);

        long links = distinctLinks();
        assertThat(links).as("the sample has duplicate rows").isLessThan(pg.queryForLong(SampleCatalog.ROSEMETA,
                "select count(*) from object_lineage_link"));
        assertThat(outcome.sourceLinks()).isEqualTo(links);
        assertThat(outcome.edges()).isEqualTo(links);
        assertThat(outcome.messages()).isEqualTo((links + 99) / 100);
        assertThat(outcome.v3Enabled()).isTrue();
        assertGraphEqualsSource(target);
        assertThat(text(target.database(), "select value from lineage_setting where name = 'lineage_v3_enabled'")).isEqualTo("true");
        assertThat(pointer()).isEqualTo(links);
        assertThat(text(target.database(), "select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint "
                + "where conrelid = 'edge'::regclass and contype = 'p'"))
                .as("the key dropped for the first load is there again, as it was")
                .isEqualTo("edge_pkey PRIMARY KEY (source_otype, source_id, target_otype, target_id, relation_type)");
        assertThat(pg.queryForLong(target.database(), "select count(*) from lineage_setting where name = 'edge_key_deferred'"))
                .isZero();

        var messages = events.records(Topics.LINEAGE_WORK).stream()
                .map(r -> MessageJson.mapper().readValue(r.value(), LinkBatch.class))
                .filter(b -> b.runId().equals(command.commandId())).toList();
        assertThat(messages).hasSize((int) outcome.messages()).allSatisfy(b -> assertThat(b.links()).hasSizeBetween(1, 100));
        assertThat(messages).filteredOn(LinkBatch::lastBatch).singleElement()
                .satisfies(last -> assertThat(last.firstOrdinal() + last.links().size()).isEqualTo(links));

        String control = ServiceRunner.CONTROL_DATABASE;
        UUID linksJob = Jobs.links(command.commandId());
        assertThat(text(control, "select state || '/' || status || '/' || state_message from lineage.run where run_id = '" + linksJob + "'"))
                .isEqualTo("FINISHED/SUCCEEDED/Published " + links + " links");
        assertThat(text(control, "select state || '/' || status from lineage.run where run_id = '" + Jobs.linkNodes(command.commandId()) + "'"))
                .isEqualTo("FINISHED/SUCCEEDED");
        assertThat(pg.queryForLong(control, "select count(*) from lineage.run_message where run_id = '" + linksJob
                + "' and message like 'Processed batch with % links, is_last_batch: %'")).isEqualTo(outcome.messages());
        assertThat(pg.queryForLong(control, "select count(*) from lineage.run_message where run_id = '" + command.commandId()
                + "' and message like 'Built the edge table''s primary key over the loaded links in % ms'")).isOne();
        assertThat(pg.queryForLong(control, "select count(*) from lineage.link_batch where run_id = '" + command.commandId()
                + "' and state = 'DONE'")).isEqualTo(outcome.messages());

        var progress = events.progress(command.migrationId()).stream().map(ProgressReported.class::cast).toList();
        assertThat(progress).anySatisfy(p -> {
            assertThat(p.phase()).isEqualTo("sizing");
            assertThat(p.message()).contains("MB", "distinct links", "estimated");
        });
        assertThat(progress).anySatisfy(p -> assertThat(p.phase()).isEqualTo("persisting"));
        assertNoPasswordCrossedTheBroker();
    }

    @Test
    void resettingThePointerAndRunningAgainGivesTheSameGraph() {
        var target = freshTarget();
        assertThat(send(start(target))).isInstanceOf(LineageMigrated.class);
        String edgesBefore = edgesHash(target);
        String nodesBefore = nodesHash(target);

        var reset = (LineagePointerReset) resetPointer();
        assertThat(reset.pointer()).isZero();
        assertThat(reset.jobName()).isEqualTo("Lineage_V2_To_V3_Migration");
        var again = (LineageMigrated) send(start(target));

        assertThat(again.edges()).isEqualTo(distinctLinks());
        assertThat(edgesHash(target)).isEqualTo(edgesBefore);
        assertThat(nodesHash(target)).isEqualTo(nodesBefore);
    }

    @Test
    void anEdgeInTheTargetForALinkTheSourceDoesNotHaveIsRemovedBeforeV3IsSwitchedOn() {
        var target = freshTarget();
        pg.execute(target.database(), """
                create table edge (source_otype text not null, source_id bigint not null, target_otype text not null,
                target_id bigint not null, relation_type smallint not null,
                primary key (source_otype, source_id, target_otype, target_id, relation_type))""",
                "insert into edge values ('table', -1, 'table', -2, 1)");

        var outcome = (LineageMigrated) send(start(target));

        long links = distinctLinks();
        assertThat(outcome.sourceLinks()).isEqualTo(links);
        assertThat(outcome.edges()).isEqualTo(links);
        assertGraphEqualsSource(target);
        assertThat(pg.queryForLong(target.database(), "select count(*) from edge where source_id = -1")).isZero();
    }

    @Test
    void validateReportsBothCounts() {
        var target = freshTarget();
        send(start(target));

        var validated = (LineageValidated) send(new ValidateLineage(UUID.randomUUID(), "mig-v", Instant.now(),
                pg.endpoint(SampleCatalog.ROSEMETA), target));

        assertThat(validated.sourceLinks()).isEqualTo(distinctLinks()).isEqualTo(validated.edges());
        assertThat(validated.equal()).isTrue();
    }

    @Test
    void anUnreachableDatabaseFailsClearlyAndWritesNothing() throws Exception {
        var target = freshTarget();
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var unreachable = new PgEndpoint("127.0.0.1", closed, target.database(), target.user(), "disable", target.passwordRef());
        var command = new StartLineageMigration(UUID.randomUUID(), "mig-bad", Instant.now(), pg.endpoint(SampleCatalog.ROSEMETA),
                unreachable, null);

        var outcome = (LineageMigrationFailed) send(command);

        assertThat(outcome.reason()).contains("cannot prepare the migration");
        assertThat(outcome.action()).contains("reachable", "nothing was written");
        assertThat(pg.queryForLong(target.database(), "select count(*) from pg_tables where tablename = 'edge'")).isZero();
        assertThat(pointer()).isZero();
    }

    @Test
    void aMissingSecretFailsWithoutItsValueAndWritesNothing() {
        var target = freshTarget();
        var noSecret = new PgEndpoint(target.host(), target.port(), target.database(), target.user(), "disable", "env:LINEAGE_TEST_NO_SECRET");

        var outcome = (LineageMigrationFailed) send(new StartLineageMigration(UUID.randomUUID(), "mig-s", Instant.now(),
                pg.endpoint(SampleCatalog.ROSEMETA), noSecret, null));

        assertThat(outcome.reason()).contains("env:LINEAGE_TEST_NO_SECRET", "is not set");
        assertThat(pg.queryForLong(target.database(), "select count(*) from pg_tables where tablename = 'edge'")).isZero();
    }

    @Test
    void aSourceWithoutTheLinkTableFailsBeforeCreatingAnyTableAndTheRunIsFinishedAsFailed() {
        var target = freshTarget();
        var noLinks = pg.createDatabase("no_links_" + targets.incrementAndGet());
        var command = new StartLineageMigration(UUID.randomUUID(), "mig-nolinks", Instant.now(), noLinks, target, null);

        var outcome = (LineageMigrationFailed) send(command);

        assertThat(pg.queryForLong(target.database(), "select count(*) from pg_tables where schemaname = 'public'"))
                .as("no schema history, lineage_setting, node_stage, node or edge in the lineage database").isZero();
        assertThat(text(ServiceRunner.CONTROL_DATABASE, "select state || '/' || status from lineage.run where run_id = '"
                + command.commandId() + "'")).isEqualTo("FINISHED/FAILED");
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from lineage.run where migration_id = "
                + "'mig-nolinks' and state <> 'FINISHED'")).isZero();
        assertThat(outcome.reason()).contains("object_lineage_link", noLinks.database());
        assertThat(outcome.action()).contains("nothing was written");
    }

    @Test
    void aLinkTableTheUserCannotReadFailsBeforeCreatingAnyTable() throws Exception {
        var target = freshTarget();
        String db = "unreadable_" + targets.incrementAndGet();
        pg.createDatabase(db);
        String user = "lineage_reader_" + targets.get();
        pg.execute(db, "create role " + user + " login password 'reader-pw'",
                "create table object_lineage_link (source bigint, source_otype text, target bigint, target_otype text)",
                "insert into object_lineage_link values (1, 'table', 2, 'table')");
        pg.execute(target.database(), "grant create on schema public to " + user);
        var file = java.nio.file.Files.createTempFile("lineage-reader", ".password",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(file, "reader-pw");
        var secret = "file:" + file;
        var source = new PgEndpoint(pg.host(), pg.port(), db, user, "disable", secret);
        var asReader = new PgEndpoint(pg.host(), pg.port(), target.database(), user, "disable", secret);
        var command = new StartLineageMigration(UUID.randomUUID(), "mig-unreadable", Instant.now(), source, asReader, null);

        var outcome = (LineageMigrationFailed) send(command);

        assertThat(pg.queryForLong(target.database(), "select count(*) from pg_tables where schemaname = 'public'")).isZero();
        assertThat(text(ServiceRunner.CONTROL_DATABASE, "select state || '/' || status from lineage.run where run_id = '"
                + command.commandId() + "'")).isEqualTo("FINISHED/FAILED");
        assertThat(outcome.reason()).contains("object_lineage_link", "may not read");
    }

    @Test
    void malformedAndUnknownCommandsGoToTheDeadLetterTopicAndWriteNothing() {
        String key = "bad-" + UUID.randomUUID();
        commands.sendRaw(Topics.LINEAGE_COMMAND, key, "{\"type\":\"StartLineageMigration\", oops");
        commands.sendRaw(Topics.LINEAGE_COMMAND, key, "{\"type\":\"MigrateEverything\"}");

        var first = events.awaitRecord(Topics.deadLetter(Topics.LINEAGE_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("oops"), Duration.ofSeconds(30));
        var second = events.awaitRecord(Topics.deadLetter(Topics.LINEAGE_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("MigrateEverything"), Duration.ofSeconds(30));

        assertThat(first.headers()).containsKey("migration-dlt-reason");
        assertThat(second.headers().get("migration-dlt-reason")).contains("MigrateEverything");
        assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from lineage.run where state <> 'FINISHED'")).isZero();
    }
}
