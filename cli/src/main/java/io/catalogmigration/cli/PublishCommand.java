package io.catalogmigration.cli;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.kafka.MessageJson;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Builds one command, publishes it keyed by migration id with CloudEvents headers, waits for the ack and prints its
 * commandId; with {@code --wait}, follows the run and exits by its outcome.
 */
abstract class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--migration-id", required = true, paramLabel = "ID", converter = MigrationIdOption.class,
            description = "your name for the whole migration, e.g. rds-2025-06 (the Kafka key)")
    String migrationId;

    @Option(names = "--wait", description = "wait for this command's outcome: exit 0 when it completed, 1 when it failed")
    boolean waitForOutcome;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --wait: give up after this long (exit 4); default: wait until the outcome")
    Duration timeout;

    abstract String topic();

    abstract Class<? extends MigrationCommand> family();

    /** Validates the flags (usage errors as ParameterException) and builds the command. */
    abstract MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt);

    @Override
    public Integer call() {
        if (migrationId.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--migration-id must not be blank");
        }
        MigrationCommand command = build(UUID.randomUUID(), migrationId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String json = MessageJson.mapper().writerFor(family()).writeValueAsString(command);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try (var broker = new Broker(kafka)) {
            broker.checkReachable();
            Follower follower = waitForOutcome ? new Follower(broker, false) : null;
            try {
                var sent = broker.send(topic(), migrationId, json, command);
                out.println(command.commandId());
                out.flush();
                err.println("published " + command.getClass().getSimpleName() + " to " + sent.topic() + " (partition "
                        + sent.partition() + ", offset " + sent.offset() + "), key " + migrationId);
                err.flush();
                if (follower == null) return MigrateCli.OK;
                return new Watching(follower, out, false).untilOutcomes(1, timeout,
                        e -> command.commandId().equals(e.runId()) && migrationId.equals(e.migrationId()));
            } finally {
                if (follower != null) follower.close();
            }
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
