package io.catalogmigration.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The settings of a short-lived consumer that reads assigned partitions and closes: the services' connection and
 * security settings, but no group, nothing committed, no interceptors, and a fetch the broker answers at once.
 */
public final class ReaderProperties {

    private ReaderProperties() {
    }

    /** @param purpose names the reader's client id, with a random suffix so two readers never share one */
    public static Map<String, Object> of(Map<String, Object> consumerProperties, String purpose) {
        Map<String, Object> properties = new HashMap<>(consumerProperties);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        properties.remove(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, purpose + "-" + UUID.randomUUID());
        // Closing waits for the fetch in flight, which the broker holds for fetch.max.wait.ms (500 ms by default) once
        // the reader has read all there is: for a reader that closes after a few records, that wait was most of its time.
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return properties;
    }
}
