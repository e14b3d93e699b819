package io.catalogmigration.common.kafka;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.catalogmigration.common.KafkaTestSupport;
import io.catalogmigration.common.ProductionWiring;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.logging.RunContext;
import io.catalogmigration.common.logging.RunScoped;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.ConsumerThrottlingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The logging context on a real broker with the production listener factories: while a listener handles a record,
 * its log lines carry the record's migration and run; the next record does not inherit them; the dead-letter line
 * names the run; a task handed to another thread keeps them.
 */
class RunContextTest {

    private static final String COMMANDS = "migration.context.command";
    private static final String WORK = "migration.context.work";

    /** A work message as the services' work records are: it names its run. */
    public record Work(UUID runId, String migrationId, int seq) implements RunScoped {
    }

    /** What the listener saw in the logging context: (migrationId, runId), "-" for absent. */
    private static final List<Map.Entry<String, String>> seen = new CopyOnWriteArrayList<>();
    private static final List<Map.Entry<String, String>> seenOnWorker = new CopyOnWriteArrayList<>();

    private static EmbeddedKafkaKraftBroker broker;
    private static KafkaTemplate<String, Object> messages;
    private static KafkaTemplate<Object, Object> deadLetters;
    private static ThreadPoolTaskScheduler scheduler;
    private static ConcurrentMessageListenerContainer<String, PruneCommand> commands;
    private static ConcurrentMessageListenerContainer<String, Work> work;
    private static final ListAppender<ILoggingEvent> errorLines = new ListAppender<>();
    private static final java.util.concurrent.ExecutorService worker = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startListeners() {
        broker = KafkaTestSupport.startBroker();
        KafkaTestSupport.createTopic(broker, COMMANDS, 1);
        KafkaTestSupport.createTopic(broker, WORK, 1);
        KafkaTestSupport.createTopic(broker, COMMANDS + ".DLT", 1);
        String bootstrap = broker.getBrokersAsString();
        messages = ProductionWiring.messageTemplate(bootstrap);
        deadLetters = ProductionWiring.deadLetterTemplate(bootstrap);
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        errorLines.start();
        ((Logger) LoggerFactory.getLogger(ErrorHandling.class)).addAppender(errorLines);
        var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(1)),
                () -> 0.0, scheduler, new SimpleMeterRegistry());
        var factories = new ListenerFactories(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "context"), ErrorHandling.errorHandler(deadLetters, 20, 1), throttle);

        commands = factories.commands(PruneCommand.class).createContainer(COMMANDS);
        commands.setBeanName("context-commands");
        commands.setupMessageListener((MessageListener<String, PruneCommand>) record -> {
            seen.add(current());
            if (record.value().migrationId() != null && record.value().migrationId().startsWith("invalid-")) {
                throw new InvalidMessageException("not a valid command");
            }
            // a task handed to another thread keeps the run's ids
            worker.execute(RunContext.wrap(null, null, () -> seenOnWorker.add(current())));
        });
        work = factories.work(Work.class, 1).createContainer(WORK);
        work.setBeanName("context-work");
        work.setupMessageListener((MessageListener<String, Work>) record -> seen.add(current()));
        commands.start();
        work.start();
        ContainerTestUtils.waitForAssignment(commands, 1);
        ContainerTestUtils.waitForAssignment(work, 1);
    }

    @AfterAll
    static void stopListeners() {
        commands.stop();
        work.stop();
        worker.shutdownNow();
        scheduler.shutdown();
        ((Logger) LoggerFactory.getLogger(ErrorHandling.class)).detachAppender(errorLines);
        ((DefaultKafkaProducerFactory<?, ?>) messages.getProducerFactory()).destroy();
        ((DefaultKafkaProducerFactory<?, ?>) deadLetters.getProducerFactory()).destroy();
        broker.destroy();
    }

    @Test
    void aCommandsLinesCarryItsMigrationAndRunAndTheNextRecordStartsClean() {
        StartPrune command = startPrune("mig-" + UUID.randomUUID());
        new MessagePublisher(messages, "test").command(COMMANDS, command);
        // A command with neither id and no key: it must not inherit the previous command's ids.
        new MessagePublisher(messages, "test").send(COMMANDS, null, startPrune(null));

        var ids = Map.entry(command.migrationId(), command.commandId().toString());
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains(ids) && seen.size() > seen.indexOf(ids) + 1
                && seenOnWorker.contains(ids));

        assertThat(seen.get(seen.indexOf(ids) + 1)).as("the record after it").isEqualTo(Map.entry("-", "-"));
    }

    @Test
    void aWorkMessageNamesItsRunAndTheDeadLetterLineNamesTheRunOfTheCommandItParks() {
        UUID run = UUID.randomUUID();
        new MessagePublisher(messages, "test").send(WORK, run + "/7", new Work(run, "mig-work", 7));
        StartPrune invalid = startPrune("invalid-" + UUID.randomUUID());
        new MessagePublisher(messages, "test").command(COMMANDS, invalid);

        await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains(Map.entry("mig-work", run.toString()))
                && errorLines.list.stream().anyMatch(e -> invalid.migrationId().equals(e.getMDCPropertyMap().get("migrationId"))));

        var line = errorLines.list.stream()
                .filter(e -> invalid.migrationId().equals(e.getMDCPropertyMap().get("migrationId"))).findFirst().orElseThrow();
        assertThat(line.getFormattedMessage()).startsWith("Giving up on " + COMMANDS);
        assertThat(line.getMDCPropertyMap()).containsEntry("runId", invalid.commandId().toString());
    }

    private static Map.Entry<String, String> current() {
        String migration = MDC.get(RunContext.MIGRATION_ID);
        String run = MDC.get(RunContext.RUN_ID);
        return Map.entry(migration == null ? "-" : migration, run == null ? "-" : run);
    }

    private static StartPrune startPrune(String migrationId) {
        return new StartPrune(migrationId == null ? null : UUID.randomUUID(), migrationId, Instant.now(),
                new PgEndpoint("db.example", 5432, "rosemeta", "alation", "require", "env:PGPASSWORD"),
                List.of("qli"), PruneMode.DRY_RUN, null);
    }
}
