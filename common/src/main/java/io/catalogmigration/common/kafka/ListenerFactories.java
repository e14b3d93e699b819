package io.catalogmigration.common.kafka;

import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.ThrottlingInterceptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Builds listener container factories that read one message family as JSON. Unreadable records surface as
 * {@code DeserializationException}s, which the shared error handler sends straight to the dead-letter topic.
 */
public class ListenerFactories {

    private final Map<String, Object> consumerProperties;
    private final DefaultErrorHandler errorHandler;
    private final ConsumerThrottle throttle;

    public ListenerFactories(Map<String, Object> consumerProperties, DefaultErrorHandler errorHandler,
                             ConsumerThrottle throttle) {
        this.consumerProperties = consumerProperties;
        this.errorHandler = errorHandler;
        this.throttle = throttle;
    }

    /** For command topics: one consumer, no throttling (a command is planning, not bulk work). */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> commands(Class<T> family) {
        return build(family, 1, false);
    }

    /** For work topics: several consumers, throttled between batches when consumer throttling is enabled. */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> work(Class<T> family, int concurrency) {
        return build(family, concurrency, true);
    }

    /**
     * For bulk work topics whose consumer writes many messages in one database transaction: the listener gets up to
     * {@code maxPollRecords} records at once; throttled between polls when consumer throttling is enabled. A record
     * that cannot be read arrives with a null value: throw {@code BatchListenerFailedException} with its index, after
     * handling the records before it, and the error handler dead-letters just that one.
     */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> batchWork(Class<T> family, int concurrency, int maxPollRecords) {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        var factory = build(props, family, concurrency);
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.setContainerCustomizer(container ->
                container.setBatchInterceptor(new ThrottlingInterceptor<>(throttle, container)));
        return factory;
    }

    private <T> ConcurrentKafkaListenerContainerFactory<String, T> build(Class<T> family, int concurrency, boolean throttled) {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        // Work batches are bounded (<= 100 items), so one record per poll keeps a slow batch inside max.poll.interval.ms.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, throttled ? 1 : 10);
        // Planning counts whole tables inside the command listener; give it room before the group evicts it.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, throttled ? 300_000 : 1_800_000);
        var factory = build(props, family, concurrency);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.RECORD);
        if (throttled) {
            factory.setContainerCustomizer(container ->
                    container.setRecordInterceptor(new ThrottlingInterceptor<>(throttle, container)));
        }
        return factory;
    }

    private <T> ConcurrentKafkaListenerContainerFactory<String, T> build(Map<String, Object> props, Class<T> family, int concurrency) {
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new JacksonJsonDeserializer<T>(family, MessageJson.mapper(), false);
        var consumerFactory = new DefaultKafkaConsumerFactory<String, T>(props,
                new ErrorHandlingDeserializer<>(new StringDeserializer()),
                new ErrorHandlingDeserializer<>(values));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, T>();
        factory.setConsumerFactory(consumerFactory);
        factory.setConcurrency(concurrency);
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }
}
