package io.catalogmigration.common.throttle;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;

import java.time.Duration;

/**
 * Hooks the throttle in after each unit of work: every record for record listeners (one record is one batch of at
 * most 100 items), every poll for batch listeners. A break lasts at most half the consumer's {@code max.poll.interval.ms},
 * so what the batch itself took still leaves it inside.
 */
public class ThrottlingInterceptor<K, V> implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

    private final ConsumerThrottle throttle;
    private final MessageListenerContainer container;
    private final Duration longestBreak;

    public ThrottlingInterceptor(ConsumerThrottle throttle, MessageListenerContainer container, Duration maxPollInterval) {
        this.throttle = throttle;
        this.container = container;
        this.longestBreak = maxPollInterval.dividedBy(2);
    }

    @Override
    public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        throttle.afterBatch(container, longestBreak);
    }

    @Override
    public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        return records;
    }

    @Override
    public void success(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        throttle.afterBatch(container, longestBreak);
    }

    @Override
    public void failure(ConsumerRecords<K, V> records, Exception exception, Consumer<K, V> consumer) {
        throttle.afterBatch(container, longestBreak);
    }
}
