package io.catalogmigration.cli;

import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Where Kafka is, how to log in to it and how long to wait for it; mixed into every command that talks to it. */
final class KafkaOptions {

    static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (default: bootstrap.servers of --command-config, else " + BOOTSTRAP_ENV
                    + ", else " + DEFAULT_BOOTSTRAP + ")")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties, as Kafka's own tools take: security.protocol, sasl.mechanism, "
                    + "sasl.jaas.config, ssl.truststore.location, ... Keep the file readable by you only: it holds the "
                    + "credentials, which never go on the command line.")
    Path commandConfig;

    @Option(names = "--broker-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "give up when the brokers do not answer within this (default: ${DEFAULT-VALUE})")
    Duration brokerTimeout;

    private Map<String, Object> loaded;

    /** The client properties of --command-config with the brokers resolved; every client starts from these. */
    Map<String, Object> clientProperties() {
        if (loaded == null) {
            Map<String, Object> properties = new HashMap<>();
            if (commandConfig != null) {
                Properties file = new Properties();
                try (Reader reader = Files.newBufferedReader(commandConfig)) {
                    file.load(reader);
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "Cannot read --command-config " + commandConfig + ": " + e.getClass().getSimpleName()
                                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
                }
                file.stringPropertyNames().forEach(name -> properties.put(name, file.getProperty(name).strip()));
            }
            properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, resolveBootstrap(bootstrapServers,
                    (String) properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG), System.getenv(BOOTSTRAP_ENV)));
            loaded = Map.copyOf(properties);
        }
        return loaded;
    }

    String bootstrapServers() {
        return (String) clientProperties().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** The flag, then the file (named on this command line), then the environment, then the local default. */
    static String resolveBootstrap(String flag, String file, String environment) {
        for (String candidate : new String[]{flag, file, environment}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return DEFAULT_BOOTSTRAP;
    }
}
