package io.catalogmigration.cutover;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover's guards against the worst mistakes, against real parts: a StartCutover from two hours ago (a replayed
 * topic) and a ResetCutover whose target is the source are refused and change nothing; and with two instances on one
 * control database, the second one started while the first is inside a downtime window waits, never settles that
 * cutover, and takes over once the first is gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CutoverGuardsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String MIGRATION = "mig-cutover-guards";
    static final List<String> DATABASES = List.of(SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE);

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext replicator;
    ConfigurableApplicationContext first;
    ConfigurableApplicationContext second;
    Map<String, Object> cutoverSettings;
    Path hookStarted;
    Path hookGo;

    @BeforeAll
    void startRealParts() throws Exception {
        source = PostgresCluster.builder("guards-cut-source").logical().fast().start();
        // logical: the cutover sets up the replication back to the source before it lets the application onto the target
        target = PostgresCluster.builder("guards-cut-target").logical().fast().start();
        SampleCatalog.generate(source, SampleSize.tiny());
        kafka = KafkaBroker.start();
        for (String topic : List.of(Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND)) {
            kafka.createTopic(topic, 1);
            kafka.createTopic(Topics.deadLetter(topic), 1);
        }
        kafka.createTopic(Topics.PROGRESS, 4);
        kafka.createTopic(Topics.OUTCOME, 4);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.REPLICATE_COMMAND);
        commands = new CommandSender(kafka.bootstrapServers());
        replicator = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(), Map.of());
        Path work = Files.createTempDirectory("cutover-guards");
        hookStarted = work.resolve("stop-hook-started");
        hookGo = work.resolve("go");
        // The stop-writes hook holds the window open until the test says go: a cutover that is still running.
        Path hook = work.resolve("stop-writes.sh");
        Files.writeString(hook, "#!/bin/sh\ntouch '" + hookStarted + "'\nwhile [ ! -f '" + hookGo + "' ]; do sleep 0.1; done\n");
        hook.toFile().setExecutable(true);
        Path settings = work.resolve("application-db.properties");
        io.catalogmigration.testkit.SwitchingWriter.writeSettings(settings, SampleCatalog.ROSEMETA, source.host(), source.port(),
                source.superuser(), source.secretRef());
        cutoverSettings = Map.of("cutover.switcher.file", settings.toString(),
                "cutover.stop-writes-command", hook.toString(), "cutover.max-write-downtime", "120s",
                "cutover.hook-timeout", "120s", "migration.active-instance.poll-interval", "300ms",
                // no application runs here to come up on the target: the switch waits only briefly for one
                "cutover.confirm-timeout", "3s");
        first = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(), cutoverSettings);
    }

    @AfterAll
    void stopRealParts() throws Exception {
        if (hookGo != null) Files.writeString(hookGo, "go");
        ServiceRunner.stop(second);
        ServiceRunner.stop(first);
        ServiceRunner.stop(replicator);
        if (commands != null) commands.close();
        if (events != null) events.close();
        if (kafka != null) kafka.close();
        if (target != null) target.close();
        if (source != null) source.close();
    }

    @Test
    @Order(1)
    void aStartCutoverIssuedTwoHoursAgoIsRefusedAsTooOldAndStopsNothing() throws Exception {
        var old = new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now().minus(Duration.ofHours(2)), admin(source),
                admin(target), DATABASES, target.adminUser(), target.adminSecretRef(), null, MIGRATION);

        var outcome = cutover(old);

        assertThat(outcome).isInstanceOfSatisfying(CutoverFailed.class, failed -> {
            assertThat(failed.phase()).isEqualTo("VALIDATE");
            assertThat(failed.reason()).contains("StartCutover was issued at", "more than migration.commands.max-age (1h 0m 0s)");
            assertThat(failed.action()).contains("send the command again now");
            assertThat(failed.sourceReleased()).isFalse();
        });
        assertThat(hookStarted).doesNotExist();
        assertThat(readOnly(SampleCatalog.ROSEMETA)).isFalse();
        assertThat(stage()).isNull();
    }

    @Test
    @Order(2)
    void aResetWhoseTargetIsTheSourceIsRefusedAndAsksTheReplicatorForNothing() throws Exception {
        var reset = new ResetCutover(UUID.randomUUID(), MIGRATION, Instant.now(), admin(source), admin(source), DATABASES,
                MIGRATION);

        var outcome = cutover(reset);

        assertThat(outcome).isInstanceOfSatisfying(CutoverFailed.class, failed -> {
            assertThat(failed.phase()).isEqualTo("VALIDATE");
            assertThat(failed.reason()).contains("is the source server itself", "nothing was changed");
        });
        assertThat(events.records(Topics.REPLICATE_COMMAND)).noneMatch(r -> r.value().contains("ResetReplication"));
        assertThat(source.queryForLong("postgres", "select count(*) from pg_database where datname in ('rosemeta', 'lineage')"))
                .isEqualTo(2);
    }

    @Test
    @Order(3)
    void aSecondInstanceStartedDuringTheWindowWaitsNeverSettlesItAndTakesOverOnceTheFirstIsGone() throws Exception {
        replicateUntilReady();
        // the runbook's file_fdw is left out of the schema by default (replicator.denied-extensions): accepted as lost
        var start = new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(), admin(source), admin(target), DATABASES,
                target.adminUser(), target.adminSecretRef(), null, MIGRATION, null, null, SampleCatalog.LEFT_BEHIND_ON_RDS);
        commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, start);
        Awaitility.await("the first instance inside the window").atMost(TIMEOUT).until(() -> Files.exists(hookStarted));
        assertThat(stage()).isEqualTo("FENCED");

        second = ServiceRunner.start(CutoverApplication.class, target, kafka.bootstrapServers(), cutoverSettings);

        var standby = second.getBean(ActiveInstance.class);
        assertThat(standby.state().role()).isEqualTo(ActiveInstance.Role.STANDBY);
        assertThat(standby.state().detail()).contains("another cutover instance carries out the commands",
                "catalog-migration-cutover lock");
        assertThat(first.getBean(ActiveInstance.class).active()).isTrue();
        Thread.sleep(2_000); // several of the standby's attempts
        assertThat(events.outcomes(start.commandId())).as("nobody settled the running cutover").isEmpty();
        assertThat(runState(start.commandId())).isNotEqualTo("FINISHED");
        assertThat(stage()).isEqualTo("FENCED");

        Files.writeString(hookGo, "go");
        var outcome = events.awaitOutcome(start.commandId(), TIMEOUT);
        assertThat(outcome).as(outcome.toString()).isInstanceOf(CutoverCompleted.class);
        assertThat(standby.active()).isFalse();

        ServiceRunner.stop(first);
        Awaitility.await("the second instance takes over").atMost(TIMEOUT).until(standby::active);
        var preflight = cutover(new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), admin(source), admin(target),
                DATABASES));
        assertThat(preflight).as("answered by the second instance, the only one left").isInstanceOf(CutoverFailed.class);
        assertThat(events.outcomes(start.commandId())).as("one outcome for the cutover, never settled again").hasSize(1);
    }

    private void replicateUntilReady() {
        for (String database : DATABASES) {
            var started = replicate(new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                    admin(target), source.endpoint(database), Map.of()));
            assertThat(started).as(started.toString()).isInstanceOf(ReplicationStarted.class);
        }
        for (String database : DATABASES) {
            Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                var status = replicate(new CheckReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(database),
                        admin(target)));
                return status instanceof ReplicationStatusReported s && s.answer().equals(ReplicationStatusReported.STOP_WAITING)
                        && s.indexesCreated() == s.indexesTotal() && s.postDataDone() == s.postDataTotal();
            });
        }
    }

    private OutcomeEvent cutover(CutoverCommand command) {
        commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private OutcomeEvent replicate(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private static PgEndpoint admin(PostgresCluster cluster) {
        return cluster.endpoint("postgres");
    }

    private String stage() throws Exception {
        try (var c = target.connect(ServiceRunner.CONTROL_DATABASE);
             var ps = c.prepareStatement("select stage from cutover.cutover_state where migration_id = ?")) {
            ps.setString(1, MIGRATION);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String runState(UUID runId) throws Exception {
        try (var c = target.connect(ServiceRunner.CONTROL_DATABASE);
             var rs = c.createStatement().executeQuery("select state from cutover.run where run_id = '" + runId + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private boolean readOnly(String database) throws Exception {
        try (var c = source.connect(database); var rs = c.createStatement().executeQuery("show default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }
}
