package io.catalogmigration.common.throttle;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Hooks the throttle in after every poll's worth of batches, for batch listeners. */
public class ThrottlingBatchInterceptor<K, V> implements BatchInterceptor<K, V> {

    private final ConsumerThrottle throttle;
    private final MessageListenerContainer container;

    public ThrottlingBatchInterceptor(ConsumerThrottle throttle, MessageListenerContainer container) {
        this.throttle = throttle;
        this.container = container;
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
