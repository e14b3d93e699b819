package io.catalogmigration.local;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.console.ConsoleApplication;
import io.catalogmigration.testkit.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How fast the console rebuilds its picture when it starts: a broker holding the events of many migrations (progress
 * reports of many runs and phases, an outcome per run), read and folded by the console, against a bare consumer
 * reading the same records to their end without looking at them (the limit on the same broker in the same run).
 * Usage: {@code ConsoleBenchmark [events, default 300000]}.
 */
public final class ConsoleBenchmark {

    private static final int EVENTS_PER_RUN = 50;
    private static final int RUNS_PER_MIGRATION = 20;

    /** @param startSeconds the console's own start (Spring, the web server), before it reads anything; not in ours */
    record Result(long events, double ourSeconds, double limitSeconds, double startSeconds) {
        String line() {
            return String.format(Locale.ROOT, "BENCH console ours=%.0f limit=%.0f ratio=%.2f", events / ourSeconds,
                    events / limitSeconds, limitSeconds / ourSeconds);
        }
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 300_000;
        var result = run(events);
        System.out.printf(Locale.ROOT, "%,d events: the console started in %.2f s, then read and folded them in %.2f s; "
                + "a bare consumer read them in %.2f s%n", result.events(), result.startSeconds(), result.ourSeconds(),
                result.limitSeconds());
        System.out.println(result.line());
        System.exit(0);
    }

    static Result run(long events) throws Exception {
        try (var kafka = KafkaBroker.start(6)) {
            kafka.createTopic(Topics.PROGRESS, 6);
            kafka.createTopic(Topics.OUTCOME, 6);
            long published = publish(kafka.bootstrapServers(), events);
            double limit = bareRead(kafka.bootstrapServers(), published);
            double[] ours = consoleRead(kafka.bootstrapServers(), published);
            return new Result(published, ours[1], limit, ours[0]);
        }
    }

    /** Runs of 50 events (49 progress reports over a few phases, then the outcome), 20 runs per migration. */
    private static long publish(String bootstrapServers, long events) throws Exception {
        var progress = MessageJson.mapper().writerFor(ProgressEvent.class);
        var outcome = MessageJson.mapper().writerFor(OutcomeEvent.class);
        long sent = 0;
        Instant t = Instant.now().minus(Duration.ofDays(1));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer())) {
            for (int m = 0; sent < events; m++) {
                String migration = "bench-" + m;
                for (int r = 0; r < RUNS_PER_MIGRATION && sent < events; r++) {
                    UUID run = UUID.randomUUID();
                    for (int i = 0; i < EVENTS_PER_RUN - 1 && sent < events; i++, sent++) {
                        t = t.plusMillis(10);
                        var event = new ProgressReported(UUID.randomUUID(), migration, t, "prune", run, "phase-" + (i / 10),
                                i * 1000L, 50_000, "rows", 1234.5, 60L, "table " + i);
                        producer.send(new ProducerRecord<>(Topics.PROGRESS, migration, progress.writeValueAsString(event)));
                    }
                    if (sent < events) {
                        t = t.plusMillis(10);
                        var done = new PruneCompleted(UUID.randomUUID(), migration, t, run, "rosemeta", PruneMode.PURGE,
                                50_000, 5_000, List.of(), List.of());
                        producer.send(new ProducerRecord<>(Topics.OUTCOME, migration, outcome.writeValueAsString(done)));
                        sent++;
                    }
                }
            }
            producer.flush();
        }
        return sent;
    }

    private static double bareRead(String bootstrapServers, long expected) {
        long started = System.nanoTime();
        long read = 0;
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.PROGRESS, Topics.OUTCOME)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < expected) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Seconds to start, then from started (its consumer subscribed, joining the group) to the moment its status has
     * counted every event. Both consumers join or assign in their own timing, as they would.
     */
    private static double[] consoleRead(String bootstrapServers, long expected) throws Exception {
        long starting = System.nanoTime();
        var context = new SpringApplicationBuilder(ConsoleApplication.class)
                .properties("spring.config.name=" + ConsoleApplication.CONFIG).registerShutdownHook(false)
                .run("--spring.kafka.bootstrap-servers=" + bootstrapServers, "--server.port=0",
                        "--spring.main.banner-mode=off", "--spring.kafka.consumer.group-id=console-bench",
                        "--spring.kafka.consumer.max-poll-records=5000");
        long started = System.nanoTime();
        try {
            var http = HttpClient.newHttpClient();
            var status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + context.getEnvironment().getRequiredProperty("local.server.port") + "/api/status")).build();
            while (MessageJson.mapper().readTree(http.send(status, HttpResponse.BodyHandlers.ofString()).body())
                    .get("eventsRead").asLong() < expected) {
                Thread.sleep(20);
            }
            return new double[]{(started - starting) / 1e9, (System.nanoTime() - started) / 1e9};
        } finally {
            SpringApplication.exit(context);
        }
    }

    private ConsoleBenchmark() {
    }
}
