package io.catalogmigration.cli;

import io.catalogmigration.common.kafka.CloudEventHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The CLI's connection to Kafka: a reachability check that fails fast, and acknowledged sends. */
final class Broker implements AutoCloseable {

    static final String SOURCE = "cli";

    private final Map<String, Object> clientProperties;
    private final String bootstrapServers;
    private final Duration timeout;
    private KafkaProducer<String, String> producer;

    Broker(KafkaOptions options) {
        this.clientProperties = options.clientProperties();
        this.bootstrapServers = options.bootstrapServers();
        this.timeout = options.brokerTimeout;
    }

    /** --command-config's properties (security, SASL, SSL) and the brokers, then what this client needs. */
    Map<String, Object> clientProperties(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.putAll(overrides);
        return properties;
    }

    /** Fails with {@link BrokerUnreachable} unless a broker answers within the timeout. */
    void checkReachable() {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Admin admin;
        try {
            admin = Admin.create(clientProperties(Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)));
        } catch (RuntimeException e) {
            throw new BrokerUnreachable(bootstrapServers, timeout, "connect to", e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachable(bootstrapServers, timeout, "reach", e);
        } catch (ExecutionException e) {
            throw new BrokerUnreachable(bootstrapServers, timeout, "reach", e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnreachable(bootstrapServers, timeout, "reach", null);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** Sends with CloudEvents headers taken from {@code message} and waits for the broker's acknowledgement. */
    RecordMetadata send(String topic, String key, String json, Object message) {
        if (producer == null) {
            int ms = (int) Math.min(Integer.MAX_VALUE / 2, timeout.toMillis());
            producer = new KafkaProducer<>(clientProperties(Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, ms,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms + 1000)),
                    new StringSerializer(), new StringSerializer());
        }
        var record = new ProducerRecord<>(topic, key, json);
        CloudEventHeaders.apply(record.headers(), message, SOURCE);
        try {
            return producer.send(record).get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachable(bootstrapServers, timeout, "publish to " + topic + " on", e);
        } catch (ExecutionException e) {
            throw new BrokerUnreachable(bootstrapServers, timeout, "publish to " + topic + " on", e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnreachable(bootstrapServers, timeout, "publish to " + topic + " on", null);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
