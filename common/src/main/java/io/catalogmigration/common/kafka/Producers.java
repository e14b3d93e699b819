package io.catalogmigration.common.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.core.ProducerPostProcessor;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The producers' side of the wire format, applied to the producer factory Spring Boot builds from
 * {@code spring.kafka.*} (so its security, SSL bundle, SASL properties and client metrics apply): String keys, JSON
 * values without Spring's type headers, and safe defaults for what the configuration leaves unset.
 */
public final class Producers {

    /**
     * Set unless {@code spring.kafka.producer.*} or {@code spring.kafka.properties.*} says otherwise. Batches of up to
     * 256 kB instead of the client's 16 kB: a lineage message of 100 links is about 7 kB, so the client's batches carry
     * two messages each, and the publisher waited on many small requests (the links job at 2 M links took 2-3 s
     * longer); a batch only reaches that size when messages are waiting, so a lone command is not held back.
     */
    static final Map<String, Object> DEFAULTS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    /** For a {@code DefaultKafkaProducerFactoryCustomizer}: our serializers and defaults on Boot's factory. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void configure(DefaultKafkaProducerFactory<?, ?> factory) {
        var raw = (DefaultKafkaProducerFactory) factory;
        raw.setKeySerializer(new StringSerializer());
        raw.setValueSerializer(new JacksonJsonSerializer<>(MessageJson.mapper()).noTypeInfo());
        Map<String, Object> unset = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> {
            if (!factory.getConfigurationProperties().containsKey(key)) {
                unset.put(key, value);
            }
        });
        if (!unset.isEmpty()) {
            factory.updateConfigs(unset);
        }
    }

    /**
     * A factory for dead letters with the main factory's configuration and listeners, whose serializers keep the
     * original bytes of a record that could not even be read.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static DefaultKafkaProducerFactory<Object, Object> deadLetters(ProducerFactory<?, ?> main) {
        Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(String.class, new StringSerializer());
        byType.put(Object.class, new JacksonJsonSerializer<>(MessageJson.mapper()).noTypeInfo());
        var factory = new DefaultKafkaProducerFactory<Object, Object>(main.getConfigurationProperties(),
                new DelegatingByTypeSerializer(byType, true), new DelegatingByTypeSerializer(byType, true));
        for (var listener : main.getListeners()) {
            factory.addListener((ProducerFactory.Listener) listener);
        }
        for (ProducerPostProcessor<?, ?> postProcessor : List.copyOf(main.getPostProcessors())) {
            factory.addPostProcessor((ProducerPostProcessor) postProcessor);
        }
        return factory;
    }

    private Producers() {
    }
}
