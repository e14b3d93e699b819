package io.catalogmigration.testkit;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Follows topics from their beginning in the background and keeps every record, as raw text with its headers, so
 * tests can wait for an outcome and also inspect everything that crossed the broker (e.g. that no password did).
 */
public final class EventLog implements AutoCloseable {

    public record Recorded(String topic, String key, Map<String, String> headers, String value) {
    }

    private final List<Recorded> records = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private EventLog(String bootstrapServers, List<String> topics) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "event-log-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        poller = new Thread(() -> {
            try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(topics);
                while (running) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        Map<String, String> headers = new LinkedHashMap<>();
                        for (Header h : record.headers()) {
                            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                        }
                        records.add(new Recorded(record.topic(), record.key(), headers, record.value()));
                    }
                }
            }
        }, "event-log");
        poller.setDaemon(true);
        poller.start();
    }

    /** Follows the outcome and progress topics plus any others given. */
    public static EventLog follow(String bootstrapServers, String... moreTopics) {
        List<String> topics = new ArrayList<>(List.of(Topics.OUTCOME, Topics.PROGRESS));
        topics.addAll(List.of(moreTopics));
        return new EventLog(bootstrapServers, topics);
    }

    public List<Recorded> records() {
        return List.copyOf(records);
    }

    public List<Recorded> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    public List<OutcomeEvent> outcomes(UUID runId) {
        return records(Topics.OUTCOME).stream()
                .map(r -> MessageJson.mapper().readValue(r.value(), OutcomeEvent.class))
                .filter(e -> e.runId().equals(runId)).toList();
    }

    public List<ProgressEvent> progress(String migrationId) {
        return records(Topics.PROGRESS).stream()
                .map(r -> MessageJson.mapper().readValue(r.value(), ProgressEvent.class))
                .filter(e -> e.migrationId().equals(migrationId)).toList();
    }

    /** Fails if any record seen so far carries the secret, in its value or in any header. */
    public void assertNoRecordContains(String secret) {
        for (Recorded record : records) {
            boolean inHeaders = record.headers().values().stream().anyMatch(v -> v != null && v.contains(secret));
            if ((record.value() != null && record.value().contains(secret)) || inHeaders) {
                throw new AssertionError("a record on " + record.topic() + " (key " + record.key() + ") carries a secret");
            }
        }
    }

    /** Waits for the first outcome of a run. */
    public OutcomeEvent awaitOutcome(UUID runId, Duration timeout) {
        return await(() -> outcomes(runId).stream().findFirst(), timeout, "an outcome of run " + runId);
    }

    public Recorded awaitRecord(String topic, Predicate<Recorded> matching, Duration timeout) {
        return await(() -> records(topic).stream().filter(matching).findFirst(), timeout, "a record on " + topic);
    }

    private static <T> T await(java.util.function.Supplier<Optional<T>> probe, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            var found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("no " + what + " within " + timeout);
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
