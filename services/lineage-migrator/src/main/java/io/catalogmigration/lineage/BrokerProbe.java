package io.catalogmigration.lineage;

import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.kafka.ReaderProperties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The runbook's "is the event bus receiving messages" check: writes a probe message and reads it back, so a
 * migration never starts on a broker that accepts writes nobody can read.
 */
class BrokerProbe {

    static final String TOPIC = "migration.lineage.probe";

    private final MessagePublisher publisher;
    private final Map<String, Object> consumerProperties;
    private final Duration timeout;

    BrokerProbe(MessagePublisher publisher, Map<String, Object> consumerProperties, Duration timeout) {
        this.publisher = publisher;
        this.consumerProperties = consumerProperties;
        this.timeout = timeout;
    }

    /** The probe message: {"probe": "<key>"}. */
    record Probe(String probe) {
    }

    /** Null when the probe came back; otherwise what went wrong. */
    String check() {
        String key = "probe-" + UUID.randomUUID();
        RecordMetadata sent;
        try {
            sent = ((org.springframework.kafka.support.SendResult<?, ?>) publisher.sendAsync(TOPIC, key, new Probe(key))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)).getRecordMetadata();
        } catch (Exception e) {
            return "the broker did not accept a probe message within " + timeout.toSeconds() + " s (" + e.getClass().getSimpleName() + ")";
        }
        var props = ReaderProperties.of(consumerProperties, "lineage-broker-probe");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            var partition = new TopicPartition(sent.topic(), sent.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, sent.offset());
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return null;
                    }
                }
            }
        }
        return "the broker accepted a probe message but it could not be read back within " + timeout.toSeconds() + " s";
    }
}
