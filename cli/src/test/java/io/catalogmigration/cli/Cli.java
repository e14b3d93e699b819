package io.catalogmigration.cli;

import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CloudEventHeaders;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM against one real in-process broker shared by every test class. */
final class Cli {

    record Result(int exitCode, String out, String err) {
        String firstLine() {
            return out.lines().findFirst().orElse("");
        }
    }

    private static KafkaBroker broker;
    private static KafkaProducer<String, String> producer;

    static synchronized String bootstrap() {
        if (broker == null) {
            broker = KafkaBroker.start(2);
            for (String topic : List.of(Topics.PRUNE_COMMAND, Topics.SCAN_COMMAND, Topics.PROVISION_COMMAND,
                    Topics.LINEAGE_COMMAND, Topics.REPLICATE_COMMAND, Topics.CUTOVER_COMMAND, Topics.PROGRESS, Topics.OUTCOME)) {
                broker.createTopic(topic, 2);
            }
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                producer.close();
                broker.close();
            }));
        }
        return broker.bootstrapServers();
    }

    /** {@code migrate <args> --bootstrap-servers <the test broker>} (the flag goes after the subcommand path). */
    static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(bootstrap());
        return runRaw(all.toArray(String[]::new));
    }

    static Result runRaw(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = MigrateCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Like {@link #run}, with {@code input} as what the operator types (the runbook's confirmation). */
    static Result runTyping(String input, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(bootstrap());
        var out = new StringWriter();
        var err = new StringWriter();
        int code = MigrateCli.run(all.toArray(String[]::new), new BufferedReader(new StringReader(input)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Publishes an event the way the services do: JSON of its family (with {@code type}), CloudEvents headers. */
    static void publish(MigrationEvent event) {
        bootstrap();
        boolean outcome = event instanceof OutcomeEvent;
        String json = MessageJson.mapper().writerFor(outcome ? OutcomeEvent.class : ProgressEvent.class).writeValueAsString(event);
        var record = new ProducerRecord<>(outcome ? Topics.OUTCOME : Topics.PROGRESS, event.migrationId(), json);
        CloudEventHeaders.apply(record.headers(), event, "cli-test");
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Cli() {
    }
}
