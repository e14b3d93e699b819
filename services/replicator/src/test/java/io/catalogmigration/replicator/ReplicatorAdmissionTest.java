package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One replication per source/target database pair at a time: a second StartReplication (or a ResetReplication) for a
 * pair that a run is building is refused naming that run, and changes nothing; once the run finishes, the pair is free.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatorAdmissionTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-admission";
    static final String DB = "catalog";

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext service;

    @BeforeAll
    void startRealParts() {
        source = PostgresCluster.builder("admission-source").logical().fast().start();
        target = PostgresCluster.builder("admission-target").fast().start();
        source.createDatabase(DB);
        source.execute(DB, "create table item (id int primary key, label text)",
                "insert into item select g, 'item ' || g from generate_series(1, 20000) g",
                "create index item_label on item (label)");
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers());
        commands = new CommandSender(kafka.bootstrapServers());
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    void stopRealParts() {
        ServiceRunner.stop(service);
        if (commands != null) commands.close();
        if (events != null) events.close();
        if (kafka != null) kafka.close();
        if (target != null) target.close();
        if (source != null) source.close();
    }

    @Test
    void aSecondStartOrAResetOfAPairBeingReplicatedFailsNamingTheRunAndChangesNothing() throws Exception {
        var first = start();
        var second = start();
        var reset = new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), MIGRATION);

        // Someone holds the source's table: the first start waits on it (its schema dump, its copy) and stays
        // unfinished however fast the machine, while the other two arrive.
        var holder = source.connect(DB);
        holder.setAutoCommit(false);
        holder.createStatement().execute("lock table item in access exclusive mode");
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, first);
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, second);
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, reset);

        String pair = "replication " + source.host() + ":" + source.port() + "/" + DB + " -> " + target.host() + ":"
                + target.port() + "/" + DB;
        for (var refusedCommand : new ReplicateCommand[]{second, reset}) {
            var refused = (ReplicationFailed) events.awaitOutcome(refusedCommand.commandId(), TIMEOUT);
            assertThat(refused.reason()).contains(pair).contains("is in use by run " + first.commandId())
                    .contains("nothing was changed");
            assertThat(refused.action()).startsWith("wait for run " + first.commandId() + " to finish (a run left by a stopped instance resumes");
        }
        assertThat(events.outcomes(first.commandId())).as("the first start was still running").isEmpty();
        holder.rollback();
        holder.close();

        assertThat(events.awaitOutcome(first.commandId(), TIMEOUT)).isInstanceOf(ReplicationStarted.class);
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = '" + DB + "'"))
                .as("the refused reset dropped nothing").isEqualTo(1);
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).isEqualTo(1);
        assertThat(target.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from replicator.run_hold"))
                .as("the finished start holds nothing").isZero();

        // Finished, the first run frees the pair: the reset sent again (a new commandId) is carried out.
        var resetAgain = new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), MIGRATION);
        assertThat(send(resetAgain)).isInstanceOf(ReplicationReset.class);
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = '" + DB + "'")).isZero();
        assertThat(events.outcomes(second.commandId())).hasSize(1);
        assertThat(events.outcomes(reset.commandId())).hasSize(1);
    }

    StartReplication start() {
        return new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), source.endpoint(DB), Map.of());
    }

    OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }
}
