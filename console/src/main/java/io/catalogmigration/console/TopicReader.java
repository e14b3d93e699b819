package io.catalogmigration.console;

import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads both event topics from their beginning every time partitions are assigned (at start, and after a rebalance),
 * so the console rebuilds its whole picture from the broker; folding is idempotent, so reading again is harmless.
 * A record it cannot read is counted and skipped: the console only watches, it never dead-letters anything.
 */
final class TopicReader implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);

    // Tolerant of fields it does not know: a newer service must not make the dashboard blind.
    private static final ObjectReader PROGRESS = MessageJson.mapper().readerFor(ProgressEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader OUTCOME = MessageJson.mapper().readerFor(OutcomeEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Migrations migrations;
    private final LiveFeed feed;
    private final AtomicLong unreadable = new AtomicLong();

    TopicReader(Migrations migrations, LiveFeed feed) {
        this.migrations = migrations;
        this.feed = feed;
    }

    /** A poll's records at once: rebuilding from the topics at start is hundreds of thousands of them. */
    @KafkaListener(id = "console", idIsGroup = false, topics = {Topics.PROGRESS, Topics.OUTCOME}, batch = "true")
    public void read(List<ConsumerRecord<String, String>> records) {
        List<MigrationEvent> events = new ArrayList<>(records.size());
        for (var record : records) {
            parse(record.topic(), record.value()).ifPresentOrElse(events::add, unreadable::incrementAndGet);
        }
        migrations.applyAll(events).forEach(feed::changed);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        callback.seekToBeginning(assignments.keySet());
    }

    long unreadable() {
        return unreadable.get();
    }

    static Optional<MigrationEvent> parse(String topic, String json) {
        if (json == null) return Optional.empty();
        try {
            if (topic.equals(Topics.PROGRESS)) return Optional.of(PROGRESS.readValue(json));
            if (topic.equals(Topics.OUTCOME)) return Optional.of(OUTCOME.readValue(json));
        } catch (JacksonException | IllegalArgumentException e) {
            log.debug("Skipped a record on {} that is not an event ({})", topic, e.getClass().getSimpleName());
        }
        return Optional.empty();
    }
}
