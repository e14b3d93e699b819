package io.catalogmigration.prune;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real parts for every prune scenario: one PostgreSQL cluster holding a pristine generated catalog ({@code rosemeta},
 * never touched: the reference for expected counts) plus the control database, and an in-process KRaft broker.
 * Each scenario prunes its own copy of the catalog.
 */
abstract class PruneTestBase {

    static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(90);
    static final AtomicInteger copies = new AtomicInteger();

    static PostgresCluster pg;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;

    @BeforeAll
    static void startRealParts() {
        pg = PostgresCluster.builder("prune-test").fast().start();
        SampleCatalog.generate(pg, SampleSize.tiny());
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.PRUNE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.PRUNE_COMMAND), 1);
        kafka.createTopic(Topics.PRUNE_WORK, 6);
        kafka.createTopic(Topics.deadLetter(Topics.PRUNE_WORK), 6);
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(Topics.PRUNE_COMMAND), Topics.deadLetter(Topics.PRUNE_WORK));
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
        return ServiceRunner.start(PruneApplication.class, pg, kafka.bootstrapServers(), overrides);
    }

    /** A fresh copy of the pristine catalog for one scenario. */
    static PgEndpoint copyOfCatalog() {
        String name = "rosemeta_copy_" + copies.incrementAndGet();
        pg.execute("postgres", "create database " + name + " template " + SampleCatalog.ROSEMETA);
        return pg.endpoint(name);
    }

    static StartPrune command(PgEndpoint database, PruneMode mode, List<String> groups) {
        return new StartPrune(UUID.randomUUID(), "mig-" + UUID.randomUUID().toString().substring(0, 8), Instant.now(),
                database, groups, mode, null);
    }

    static OutcomeEvent send(StartPrune command) {
        commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
        return events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
    }

    static long count(String database, String table) {
        return pg.queryForLong(database, "select count(*) from " + table);
    }

    static long countOlderThan(String database, String table, String timeColumn, Instant cutoff) {
        return pg.queryForLong(database, "select count(*) from " + table + " where \"" + timeColumn + "\" < '"
                + Timestamp.from(cutoff).toInstant() + "'::timestamptz");
    }

    static Map<String, String> prunable() {
        return SampleCatalog.prunableTables();
    }

    static void assertUntouched(String database) {
        for (String table : SampleCatalog.tables()) {
            assertThat(count(database, table)).as("rows in %s of %s", table, database)
                    .isEqualTo(count(SampleCatalog.ROSEMETA, table));
        }
    }

    static void assertNoPasswordCrossedTheBroker() {
        events.assertNoRecordContains(pg.password());
    }
}
