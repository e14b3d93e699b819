package io.catalogmigration.common.kafka;

import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.ThrottlingInterceptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds listener container factories that read one message family as JSON. Unreadable records surface as
 * {@code DeserializationException}s, which the shared error handler sends straight to the dead-letter topic.
 *
 * <p>In a service they start from what Spring Boot makes of {@code spring.kafka.*} ({@link #fromBoot}): the consumer
 * configuration of Boot's consumer factory (bootstrap servers, {@code spring.kafka.security.*},
 * {@code spring.kafka.ssl.bundle}, {@code spring.kafka.properties.*} such as SASL, {@code spring.kafka.consumer.*}),
 * its listeners (client metrics), and Boot's configurer for {@code spring.kafka.listener.*} (observation, poll
 * timeout, ...). What the services' correctness rests on is then set over it and cannot be configured away: the
 * deserializers, manual commits, the ack mode, batch or record listening, the concurrency, the error handler and
 * the interceptors (throttling and the logging context).
 */
public class ListenerFactories {

    /** A bulk work consumer's fetch per partition while consumer throttling is on. */
    static final int THROTTLED_PARTITION_FETCH_BYTES = 256 * 1024;

    /**
     * How every group copes with an instance that dies (kill -9, a lost machine), unless {@code spring.kafka.consumer.*}
     * says otherwise: cooperative rebalancing, so the surviving members keep consuming the partitions they own while
     * the dead member's partitions move (an eager rebalance would revoke every member's partitions first), and a 10 s
     * session instead of the client's 45 s, which is how long the dead member's partitions wait before they move.
     * Not static membership: a static member's partitions stay with it until its session expires, which suits rolling
     * restarts, not crashes. A live member beats every 3 s from its own thread, whatever its listener is doing.
     */
    public static final Map<String, Object> GROUP_DEFAULTS = Map.of(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);

    private final Map<String, Object> consumerProperties;
    private final ConsumerFactory<?, ?> bootConsumers;
    private final ConcurrentKafkaListenerContainerFactoryConfigurer configurer;
    private final DefaultErrorHandler errorHandler;
    private final ConsumerThrottle throttle;

    /** From plain consumer properties, without Boot's listener settings (tests that build no context). */
    public ListenerFactories(Map<String, Object> consumerProperties, DefaultErrorHandler errorHandler,
                             ConsumerThrottle throttle) {
        this(consumerProperties, null, null, errorHandler, throttle);
    }

    private ListenerFactories(Map<String, Object> consumerProperties, ConsumerFactory<?, ?> bootConsumers,
                              ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
                              DefaultErrorHandler errorHandler, ConsumerThrottle throttle) {
        this.consumerProperties = Map.copyOf(consumerProperties);
        this.bootConsumers = bootConsumers;
        this.configurer = configurer;
        this.errorHandler = errorHandler;
        this.throttle = throttle;
    }

    /** From Boot's consumer factory (its configuration and listeners) and Boot's listener configurer. */
    public static ListenerFactories fromBoot(ConsumerFactory<?, ?> bootConsumers,
                                             ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
                                             DefaultErrorHandler errorHandler, ConsumerThrottle throttle) {
        return new ListenerFactories(bootConsumers.getConfigurationProperties(), bootConsumers, configurer, errorHandler,
                throttle);
    }

    /** For command topics: one consumer, no throttling (a command is planning, not bulk work). */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> commands(Class<T> family) {
        return build(family, 1, false);
    }

    /** For work topics: several consumers, throttled between batches when consumer throttling is enabled. */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> work(Class<T> family, int concurrency) {
        return build(family, concurrency, true);
    }

    /** {@link #work(Class, int)} for messages that may take up to {@code maxPollInterval} each. */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> work(Class<T> family, int concurrency,
                                                                       java.time.Duration maxPollInterval) {
        return build(family, concurrency, true, Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) maxPollInterval.toMillis()));
    }

    /**
     * For bulk work topics whose consumer writes many messages in one database transaction: the listener gets up to
     * {@code maxPollRecords} records at once; throttled between polls when consumer throttling is enabled. A record
     * that cannot be read arrives with a null value: the application takes the poll through {@link WorkBatches}, which
     * handles the records before it and has the error handler dead-letter just that one.
     */
    public <T> ConcurrentKafkaListenerContainerFactory<String, T> batchWork(Class<T> family, int concurrency, int maxPollRecords) {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        if (throttle.enabled()) {
            // Breaks alone cannot shrink what the consumers hold between them: each buffers up to a fetch per partition
            // (1 MB by default) besides the poll it is writing. With throttling on, a fetch brings at most 256 kB a
            // partition, so a poll holds what that brings (a message larger than it still comes, alone).
            props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, THROTTLED_PARTITION_FETCH_BYTES);
        }
        var factory = build(props, family, concurrency);
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.setContainerCustomizer(container -> container.setBatchInterceptor(new CompositeBatchInterceptor<>(
                new ThrottlingInterceptor<>(throttle, container, maxPollInterval(props)), new RunContextInterceptor<>())));
        return factory;
    }

    /** The consumer's {@code max.poll.interval.ms}, the Kafka client's default when not set. */
    private static java.time.Duration maxPollInterval(Map<String, Object> props) {
        Object value = props.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        return java.time.Duration.ofMillis(Long.parseLong(value.toString()));
    }

    private <T> ConcurrentKafkaListenerContainerFactory<String, T> build(Class<T> family, int concurrency, boolean throttled) {
        return build(family, concurrency, throttled, Map.of());
    }

    private <T> ConcurrentKafkaListenerContainerFactory<String, T> build(Class<T> family, int concurrency, boolean throttled,
                                                                        Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.putAll(overrides);
        // Work batches are bounded (<= 100 items), so one record per poll keeps a slow batch inside max.poll.interval.ms.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, throttled ? 1 : 10);
        // Planning counts whole tables inside the command listener; give it room before the group evicts it.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, throttled ? 300_000 : 1_800_000);
        var factory = build(props, family, concurrency);
        factory.setBatchListener(false);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.RECORD);
        if (throttled) {
            // The throttle first, so a pause it logs after the record still carries the run's ids.
            factory.setContainerCustomizer(container -> container.setRecordInterceptor(new CompositeRecordInterceptor<>(
                    new ThrottlingInterceptor<>(throttle, container, maxPollInterval(props)), new RunContextInterceptor<>())));
        } else {
            factory.setRecordInterceptor(new RunContextInterceptor<>());
        }
        return factory;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> ConcurrentKafkaListenerContainerFactory<String, T> build(Map<String, Object> props, Class<T> family, int concurrency) {
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        GROUP_DEFAULTS.forEach(props::putIfAbsent);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new JacksonJsonDeserializer<T>(family, MessageJson.mapper(), false);
        var consumerFactory = new DefaultKafkaConsumerFactory<String, T>(props,
                new ErrorHandlingDeserializer<>(new StringDeserializer()),
                new ErrorHandlingDeserializer<>(values));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, T>();
        if (bootConsumers != null) {
            // What Boot's customizers added, e.g. the Micrometer listener that publishes the Kafka client's metrics.
            for (var listener : bootConsumers.getListeners()) {
                consumerFactory.addListener((ConsumerFactory.Listener) listener);
            }
            for (ConsumerPostProcessor<?, ?> postProcessor : List.copyOf(bootConsumers.getPostProcessors())) {
                consumerFactory.addPostProcessor((ConsumerPostProcessor) postProcessor);
            }
        }
        if (configurer != null) {
            configurer.configure((ConcurrentKafkaListenerContainerFactory) factory, (ConsumerFactory) consumerFactory);
        }
        factory.setConsumerFactory(consumerFactory);
        factory.setConcurrency(concurrency);
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }
}
