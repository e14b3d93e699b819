package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The topics a service creates: its command topic (one partition, so commands stay in order) and, for services
 * that fan out, its work topic; each with its dead-letter twin of the same partition count, because the dead-letter
 * recoverer keeps a record's partition.
 */
public final class ServiceTopics {

    /** A command topic: one partition, so commands stay in order. */
    public static KafkaAdmin.NewTopics commandOnly(String commandTopic) {
        return withDeadLetters(commandTopic, 1);
    }

    /** A work topic: its partitions are the most consumers a group can keep busy. */
    public static KafkaAdmin.NewTopics workOnly(String workTopic, int partitions) {
        return withDeadLetters(workTopic, partitions);
    }

    public static NewTopic topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions).build();
    }

    private static KafkaAdmin.NewTopics withDeadLetters(String name, int partitions) {
        return new KafkaAdmin.NewTopics(topic(name, partitions), topic(Topics.deadLetter(name), partitions));
    }

    private ServiceTopics() {
    }
}
