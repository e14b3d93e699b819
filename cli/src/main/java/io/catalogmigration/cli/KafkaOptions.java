package io.catalogmigration.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** Where Kafka is and how long to wait for it; mixed into every command that talks to it. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (default: KAFKA_BOOTSTRAP_SERVERS, else localhost:9092; now ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--broker-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "give up when the brokers do not answer within this (default: ${DEFAULT-VALUE})")
    Duration brokerTimeout;
}
