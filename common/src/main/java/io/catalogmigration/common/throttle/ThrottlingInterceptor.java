package io.catalogmigration.common.throttle;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Hooks the throttle in after each unit of work: every record for record listeners (one record is one batch of at
 * most 100 items), every poll for batch listeners.
 */
public class ThrottlingInterceptor<K, V> implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

    private final ConsumerThrottle throttle;
    private final MessageListenerContainer container;

    public ThrottlingInterceptor(ConsumerThrottle throttle, MessageListenerContainer container) {
        this.throttle = throttle;
        this.container = container;
    }

    @Override
    public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
        throttle.afterBatch(container);
    }

    @Override
    public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        return records;
    }

    @Override
    public void success(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
        throttle.afterBatch(container);
    }

    @Override
    public void failure(ConsumerRecords<K, V> records, Exception exception, Consumer<K, V> consumer) {
        throttle.afterBatch(container);
    }
}
