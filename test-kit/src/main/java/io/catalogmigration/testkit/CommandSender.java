package io.catalogmigration.testkit;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.kafka.CloudEventHeaders;
import io.catalogmigration.common.kafka.MessageJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Publishes commands the way an operator's tool does: JSON with the type discriminator, keyed by migration id. */
public final class CommandSender implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public CommandSender(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** {@code family} is the command's sealed interface, so the JSON carries its {@code type}. */
    public <C extends MigrationCommand> void send(String topic, Class<? super C> family, C command) {
        var record = new ProducerRecord<>(topic, command.migrationId(),
                MessageJson.mapper().writerFor(family).writeValueAsString(command));
        CloudEventHeaders.apply(record.headers(), command, "test-kit");
        send(record);
    }

    /** Anything at all, e.g. malformed JSON, to prove what the services do with it. */
    public void sendRaw(String topic, String key, String value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send to " + record.topic(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
