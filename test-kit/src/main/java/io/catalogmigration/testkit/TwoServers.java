package io.catalogmigration.testkit;

import io.catalogmigration.common.contract.Topics;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;
import java.util.Map;

/**
 * The real parts of a test of a service that works on a source and a target server (the replicator, the cutover):
 * both servers (logical, so either may publish), a broker with the service's command topic, its dead letters and the
 * shared event topics, an {@link EventLog} and a {@link CommandSender} on it, the JVM's log lines ({@link LogCapture}),
 * and the service, whose control database is on the target. Closed together.
 */
public final class TwoServers implements AutoCloseable {

    public final PostgresCluster source;
    public final PostgresCluster target;
    public final KafkaBroker kafka;
    public final EventLog events;
    public final CommandSender commands;
    public final LogCapture logs;
    private ConfigurableApplicationContext service;

    private TwoServers(String name, String commandTopic) {
        logs = LogCapture.attach();
        source = PostgresCluster.builder(name + "-source").logical().fast().start();
        target = PostgresCluster.builder(name + "-target").logical().fast().start();
        kafka = KafkaBroker.start();
        for (String topic : List.of(commandTopic, Topics.deadLetter(commandTopic), Topics.PROGRESS, Topics.OUTCOME)) {
            kafka.createTopic(topic, 1);
        }
        events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(commandTopic));
        commands = new CommandSender(kafka.bootstrapServers());
    }

    /** Starts everything but the service (a test prepares the servers first, then {@link #startService}). */
    public static TwoServers start(String name, String commandTopic) {
        return new TwoServers(name, commandTopic);
    }

    public void startService(Class<?> application, Map<String, Object> overrides) {
        service = ServiceRunner.start(application, target, kafka.bootstrapServers(), overrides);
    }

    @Override
    public void close() throws Exception {
        ServiceRunner.stop(service);
        for (AutoCloseable part : new AutoCloseable[]{commands, events, kafka, target, source, logs}) {
            part.close();
        }
    }
}
