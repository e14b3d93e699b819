package io.catalogmigration.common.run;

import io.catalogmigration.common.kafka.CloudEventHeaders;
import io.catalogmigration.common.kafka.ReaderProperties;
import io.catalogmigration.common.ledger.OutcomeOutbox.Position;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Looks for an event on a topic by its id (the {@code ce_id} header every message carries), among the records written
 * since a given time: every partition is read from the first offset at or after that time (the broker's time index)
 * to its end as it was when the search began. Only headers are looked at; no group, nothing committed.
 */
class OutcomeSearch {

    private final Map<String, Object> consumerProperties;
    private final Duration timeout;

    /** @param consumerProperties the services' consumer configuration (bootstrap servers, security) */
    OutcomeSearch(Map<String, Object> consumerProperties, Duration timeout) {
        this.consumerProperties = ReaderProperties.of(consumerProperties, "outcome-search");
        this.timeout = timeout;
    }

    /** Where the event is, if it was written since {@code since}; throws when the topic could not be read in time. */
    Optional<Position> find(String topic, UUID eventId, Instant since) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String id = eventId.toString();
        try (var consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            var from = consumer.offsetsForTimes(partitions.stream().collect(Collectors.toMap(p -> p,
                    p -> Math.max(0, since.toEpochMilli()))), timeout);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            for (var partition : partitions) {
                var start = from.get(partition);
                consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
            }
            ends.keySet().removeIf(p -> consumer.position(p, timeout) >= ends.get(p));
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " back within " + timeout.toSeconds()
                            + " s to look for outcome " + eventId + "; check that the Kafka brokers are reachable");
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (id.equals(CloudEventHeaders.read(record.headers(), CloudEventHeaders.ID))) {
                        return Optional.of(new Position(record.partition(), record.offset()));
                    }
                }
                ends.keySet().removeIf(p -> consumer.position(p, timeout) >= ends.get(p));
            }
            return Optional.empty();
        }
    }
}
