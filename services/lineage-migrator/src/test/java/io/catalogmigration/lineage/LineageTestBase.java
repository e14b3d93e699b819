package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real parts for lineage scenarios: one PostgreSQL cluster with a generated rosemeta (the V2 links, never changed),
 * a fresh lineage database per scenario, the control database, and an in-process KRaft broker.
 */
abstract class LineageTestBase {

    static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(120);
    static final String POINTER = "select pointer from lineage.message_queue_pointer where job_name = 'Lineage_V2_To_V3_Migration'";
    static final AtomicInteger targets = new AtomicInteger();

    static PostgresCluster pg;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;

    static void startRealParts(SampleSize size) {
        pg = PostgresCluster.builder("lineage-test").fast().start();
        SampleCatalog.generate(pg, size);
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.LINEAGE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.LINEAGE_COMMAND), 1);
        kafka.createTopic(Topics.LINEAGE_WORK, 6);
        kafka.createTopic(Topics.deadLetter(Topics.LINEAGE_WORK), 6);
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(Topics.LINEAGE_COMMAND), Topics.LINEAGE_WORK);
        commands = new CommandSender(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopRealParts() {
        commands.close();
        events.close();
        kafka.close();
        pg.close();
    }

    static ConfigurableApplicationContext startService(Map<String, Object> overrides) {
        return ServiceRunner.start(LineageApplication.class, pg, kafka.bootstrapServers(), overrides);
    }

    /** An empty lineage database for one scenario, and the pointer back at 0 as on a fresh installation. */
    static PgEndpoint freshTarget() {
        var target = pg.createDatabase("lineage_" + targets.incrementAndGet());
        ServiceRunner.ensureControlDatabase(pg);
        if (pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from pg_namespace where nspname = 'lineage'") > 0) {
            pg.execute(ServiceRunner.CONTROL_DATABASE, "update lineage.message_queue_pointer set pointer = 0");
        }
        return target;
    }

    static StartLineageMigration start(PgEndpoint target) {
        return new StartLineageMigration(UUID.randomUUID(), "mig-" + UUID.randomUUID().toString().substring(0, 8), Instant.now(),
                pg.endpoint(SampleCatalog.ROSEMETA), target, null);
    }

    static OutcomeEvent send(LineageCommand command) {
        commands.send(Topics.LINEAGE_COMMAND, LineageCommand.class, command);
        return events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
    }

    static OutcomeEvent resetPointer() {
        return send(new ResetLineagePointer(UUID.randomUUID(), "mig-reset", Instant.now()));
    }

    static long distinctLinks() {
        return pg.queryForLong(SampleCatalog.ROSEMETA,
                "select count(*) from (select distinct source, source_otype, target, target_otype from object_lineage_link) l");
    }

    static long edges(PgEndpoint target) {
        return pg.queryForLong(target.database(), "select count(*) from edge where relation_type = 1");
    }

    static long pointer() {
        return pg.queryForLong(ServiceRunner.CONTROL_DATABASE, POINTER);
    }

    /** The V2 links as text, hashed: computed on the source alone. */
    static String sourceLinksHash() {
        return text(SampleCatalog.ROSEMETA, """
                select md5(string_agg(l, ',' order by l)) from (select distinct source_otype || ':' || source || '>'
                || target_otype || ':' || target as l from object_lineage_link) s""");
    }

    static String edgesHash(PgEndpoint target) {
        return text(target.database(), """
                select md5(string_agg(l, ',' order by l)) from (select source_otype || ':' || source_id || '>'
                || target_otype || ':' || target_id as l from edge where relation_type = 1) s""");
    }

    /** Every endpoint once, temporary only if every row that names it says so: computed on the source alone. */
    static String sourceNodesHash() {
        return text(SampleCatalog.ROSEMETA, """
                with ends as (select source_otype otype, source id, source_is_temp t from object_lineage_link
                              union all select target_otype, target, target_is_temp from object_lineage_link)
                select md5(string_agg(n, ',' order by n)) from
                (select otype || ':' || id || ':' || bool_and(t) as n from ends group by otype, id) s""");
    }

    static String nodesHash(PgEndpoint target) {
        return text(target.database(), """
                select md5(string_agg(n, ',' order by n)) from (select otype || ':' || object_id || ':' || is_temp as n from node) s""");
    }

    static String text(String database, String sql) {
        try (var c = pg.connect(database); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertGraphEqualsSource(PgEndpoint target) {
        assertThat(edges(target)).isEqualTo(distinctLinks());
        assertThat(edgesHash(target)).as("edges are exactly the distinct links").isEqualTo(sourceLinksHash());
        assertThat(nodesHash(target)).as("nodes are exactly the endpoints, temporary only where the source says so")
                .isEqualTo(sourceNodesHash());
    }

    static void assertNoPasswordCrossedTheBroker() {
        events.assertNoRecordContains(pg.password());
    }
}
