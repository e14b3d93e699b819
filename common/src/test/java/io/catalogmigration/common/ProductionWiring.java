package io.catalogmigration.common;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.List;

/**
 * The Kafka templates every service gets from {@link MigrationRuntimeAutoConfiguration}, built by the same bean
 * methods but without a Spring context (the full auto-configuration also wants a database for the run ledger).
 * Tests use these so they exercise the production serializers, not look-alikes.
 */
public final class ProductionWiring {

    private static final MigrationRuntimeAutoConfiguration CONFIGURATION = new MigrationRuntimeAutoConfiguration();

    public static KafkaProperties kafkaProperties(String bootstrapServers) {
        var properties = new KafkaProperties();
        properties.setBootstrapServers(List.of(bootstrapServers));
        return properties;
    }

    /** The template {@code MessagePublisher} sends commands and events with (JSON values, String keys). */
    public static KafkaTemplate<String, Object> messageTemplate(String bootstrapServers) {
        var kafka = kafkaProperties(bootstrapServers);
        return CONFIGURATION.kafkaTemplate(bootProducerFactory(kafka), kafka);
    }

    /** The template the shared error handler publishes dead letters with (original bytes stay bytes). */
    public static KafkaTemplate<Object, Object> deadLetterTemplate(String bootstrapServers) {
        var kafka = kafkaProperties(bootstrapServers);
        return CONFIGURATION.deadLetterTemplate(bootProducerFactory(kafka), kafka);
    }

    /** Boot's producer factory as the services get it: Boot's configuration, then the runtime's customizer. */
    private static DefaultKafkaProducerFactory<?, ?> bootProducerFactory(KafkaProperties kafka) {
        var factory = new DefaultKafkaProducerFactory<>(kafka.buildProducerProperties());
        CONFIGURATION.migrationProducerCustomizer().customize(factory);
        return factory;
    }

    private ProductionWiring() {
    }
}
