package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.MigrationEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends commands, events and work batches keyed by migration id, with CloudEvents headers.
 * Sends are synchronous: callers record progress in the ledger only after the broker has the message.
 */
public class MessagePublisher {

    private static final long SEND_TIMEOUT_SECONDS = 30;
    /** Longer than any producer's delivery timeout (2 minutes by default): only a stuck client waits this long. */
    private static final long CONFIRM_TIMEOUT_MINUTES = 10;

    private final KafkaTemplate<String, Object> template;
    private final String source;

    public MessagePublisher(KafkaTemplate<String, Object> template, String source) {
        this.template = template;
        this.source = source;
    }

    public void event(String topic, MigrationEvent event) {
        send(topic, event.migrationId(), event);
    }

    public void command(String topic, MigrationCommand command) {
        send(topic, command.migrationId(), command);
    }

    public void send(String topic, String key, Object message) {
        var record = new ProducerRecord<String, Object>(topic, key, message);
        CloudEventHeaders.apply(record.headers(), message, source);
        try {
            template.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic + " within " + SEND_TIMEOUT_SECONDS
                    + " s; check that the Kafka brokers are reachable", e);
        }
    }

    /**
     * Sends and waits for the broker's answer however long the producer takes to give it (at most its
     * {@code delivery.timeout.ms}), so that a failed send cannot still land later: the outcome relay sends again only
     * what it knows did not arrive or looked for on the topic. Says where the message is.
     */
    public RecordMetadata sendConfirmed(String topic, String key, Object message) {
        var record = new ProducerRecord<String, Object>(topic, key, message);
        CloudEventHeaders.apply(record.headers(), message, source);
        try {
            return template.send(record).get(CONFIRM_TIMEOUT_MINUTES, TimeUnit.MINUTES).getRecordMetadata();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic + "; check that the Kafka brokers are reachable", e);
        }
    }

    /**
     * Sends without waiting, for bulk publishing; the caller waits on the returned futures (or {@link #flush()})
     * before recording anything as sent.
     */
    public java.util.concurrent.CompletableFuture<?> sendAsync(String topic, String key, Object message) {
        var record = new ProducerRecord<String, Object>(topic, key, message);
        CloudEventHeaders.apply(record.headers(), message, source);
        return template.send(record);
    }

    public String source() {
        return source;
    }
}
