package io.catalogmigration.common.throttle;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;

/** Hooks the throttle in after every record (one record is one batch of at most 100 items). */
public class ThrottlingRecordInterceptor<K, V> implements RecordInterceptor<K, V> {

    private final ConsumerThrottle throttle;
    private final MessageListenerContainer container;

    public ThrottlingRecordInterceptor(ConsumerThrottle throttle, MessageListenerContainer container) {
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
}
