package io.catalogmigration.local;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.console.ConsoleApplication;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the services need, started in this process with no Docker: an in-process KRaft broker, a source
 * PostgreSQL and a target PostgreSQL standing in for RDS (both wal_level=logical: the target replicates back to the
 * source after the switch), which also holds the control database.
 * {@link Servers} picks their majors; a target of 16 or later is RDS-shaped (the services' administrator is not a
 * superuser), an older one keeps the superuser, since only RDS's own code lets a non-superuser subscribe before 16.
 */
final class LocalStack implements AutoCloseable {

    static final List<String> COMMAND_TOPICS = List.of(Topics.PRUNE_COMMAND, Topics.SCAN_COMMAND, Topics.PROVISION_COMMAND,
            Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND, Topics.LINEAGE_COMMAND);

    final PostgresCluster source;
    final PostgresCluster target;
    final KafkaBroker kafka;
    final EventLog events;
    final CommandSender commands;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private String consoleAddress;

    /** The majors of the two servers; null is the highest installed. */
    record Servers(Integer sourceMajor, Integer targetMajor) {

        /** The runbook's: a PostgreSQL 13 source, an RDS-shaped 17 target. */
        static final Servers RUNBOOK = new Servers(13, 17);
        /** The installed major on both sides, superusers: what the benchmarks compare against dump/restore with. */
        static final Servers INSTALLED = new Servers(null, null);

        boolean rdsShapedTarget() {
            return targetMajor != null && targetMajor >= 16;
        }
    }

    private LocalStack(boolean fast, Servers servers) {
        source = builder("local-source", fast, servers.sourceMajor()).logical().start();
        // logical: after the switch the target publishes the application's writes back to the source (the fallback)
        var targetBuilder = builder("local-target", fast, servers.targetMajor()).logical();
        target = (servers.rdsShapedTarget() ? targetBuilder.rdsShaped() : targetBuilder).start();
        kafka = KafkaBroker.start(6);
        for (String topic : List.of(Topics.PROGRESS, Topics.OUTCOME)) {
            kafka.createTopic(topic, 6);
        }
        for (String topic : COMMAND_TOPICS) {
            kafka.createTopic(topic, 1);
            kafka.createTopic(Topics.deadLetter(topic), 1);
        }
        // Every command and dead letter too: tests look for secrets in all of them.
        List<String> followed = new ArrayList<>(COMMAND_TOPICS);
        COMMAND_TOPICS.forEach(t -> followed.add(Topics.deadLetter(t)));
        events = EventLog.follow(kafka.bootstrapServers(), followed.toArray(String[]::new));
        commands = new CommandSender(kafka.bootstrapServers());
    }

    static LocalStack start(boolean fast) {
        return new LocalStack(fast, Servers.INSTALLED);
    }

    static LocalStack start(boolean fast, Servers servers) {
        return new LocalStack(fast, servers);
    }

    private static PostgresCluster.Builder builder(String name, boolean fast, Integer major) {
        var builder = PostgresCluster.builder(name);
        if (major != null) {
            builder.version(major);
        }
        return fast ? builder.fast() : builder;
    }

    ConfigurableApplicationContext startService(Class<?> application, Map<String, Object> overrides) {
        var context = ServiceRunner.start(application, target, kafka.bootstrapServers(), overrides);
        services.add(context);
        return context;
    }

    /**
     * Starts the operators' console on {@code CONSOLE_PORT}, else 8090 when free, else any free port; returns its
     * address. It reads the event topics from their beginning, so it shows the whole run whenever it starts.
     */
    String startConsole() {
        String port = Optional.ofNullable(System.getenv("CONSOLE_PORT")).filter(p -> !p.isBlank())
                .orElse(isFree(8090) ? "8090" : "0");
        var context = startService(ConsoleApplication.class, Map.of("spring.main.web-application-type", "servlet",
                "server.address", "127.0.0.1", "server.port", port));
        consoleAddress = "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port") + "/";
        return consoleAddress;
    }

    /** Null until {@link #startConsole()}. */
    String consoleAddress() {
        return consoleAddress;
    }

    private static boolean isFree(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        services.forEach(ServiceRunner::stop);
        commands.close();
        events.close();
        kafka.close();
        target.close();
        source.close();
    }
}
