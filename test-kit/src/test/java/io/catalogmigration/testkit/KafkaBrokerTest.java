package io.catalogmigration.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void aSaslBrokerAdmitsItsUsersAndRefusesAWrongPassword() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startWithSaslPlain(Map.of("operator", "operator-secret"))) {
            broker.createTopic("kit.sasl", 1);

            Map<String, Object> admitted = new HashMap<>(KafkaBroker.saslPlainLogin("operator", "operator-secret"));
            admitted.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(admitted, new StringSerializer(),
                    new StringSerializer())) {
                assertThat(producer.send(new ProducerRecord<>("kit.sasl", "k", "v")).get().offset()).isZero();
            }

            Map<String, Object> refused = new HashMap<>(KafkaBroker.saslPlainLogin("operator", "wrong-secret"));
            refused.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            refused.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(refused, new StringSerializer(),
                    new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("kit.sasl", "k", "v")).get())
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }

            Map<String, Object> plaintext = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(plaintext, new StringSerializer(),
                    new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("kit.sasl", "k", "v")).get())
                        .as("a client without a login gets nowhere").isInstanceOf(Exception.class);
            }
        }
    }

    @Test
    void producesAndConsumesOneRecordThroughAConsumerGroup() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopic("kit.test", 2);
            broker.createTopic("kit.test", 2); // idempotent

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>("kit.test", "run-1", "hello")).get();
            }

            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            // a consumer group exercises __consumer_offsets, which needs replication factor 1 here
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "kit-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of("kit.test"));
                Instant deadline = Instant.now().plusSeconds(30);
                while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
                consumer.commitSync();
            }

            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("run-1");
                assertThat(record.value()).isEqualTo("hello");
            });
        }
    }
}
