package io.catalogmigration.cli;

import io.catalogmigration.common.contract.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code migration.progress} and {@code migration.outcome} by assigning every partition itself: no consumer
 * group, nothing committed, nothing left behind on the cluster. Partitions that appear later (a topic created after
 * we started) are read from their beginning.
 */
final class Follower implements AutoCloseable {

    static final List<String> TOPICS = List.of(Topics.PROGRESS, Topics.OUTCOME);

    private final KafkaConsumer<String, String> consumer;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final Duration timeout;
    private final String bootstrapServers;
    private boolean first = true;
    private final boolean fromBeginning;

    /** @param fromBeginning false: start at the current end (only what is published from now on) */
    Follower(Broker broker, boolean fromBeginning) {
        this.timeout = broker.timeout();
        this.bootstrapServers = broker.bootstrapServers();
        this.fromBeginning = fromBeginning;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        consumer = new KafkaConsumer<>(broker.clientProperties(props), new StringDeserializer(), new StringDeserializer());
        refresh();
    }

    /** Picks up partitions that did not exist at the last look. */
    void refresh() {
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, timeout);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new BrokerUnreachable(bootstrapServers, timeout, "read topic " + topic + " from", e);
            }
            if (infos == null) continue;
            for (PartitionInfo info : infos) {
                var tp = new TopicPartition(info.topic(), info.partition());
                if (!assigned.contains(tp)) added.add(tp);
            }
        }
        if (added.isEmpty()) {
            first = false;
            return;
        }
        assigned.addAll(added);
        consumer.assign(assigned);
        if (fromBeginning || !first) {
            consumer.seekToBeginning(added);
        } else {
            consumer.seekToEnd(added);
        }
        // Seeks are lazy: resolve them now, so "the end" means the end before anything is sent.
        for (TopicPartition tp : added) consumer.position(tp, timeout);
        first = false;
    }

    Map<TopicPartition, Long> endOffsets() {
        return assigned.isEmpty() ? Map.of() : consumer.endOffsets(assigned, timeout);
    }

    boolean reached(Map<TopicPartition, Long> ends) {
        for (var e : ends.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) return false;
        }
        return true;
    }

    ConsumerRecords<String, String> poll(Duration duration) {
        if (assigned.isEmpty()) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ConsumerRecords.empty();
        }
        return consumer.poll(duration);
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
