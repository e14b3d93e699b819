package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics a service creates: its command topic (one partition, so commands stay in order) and, for services
 * that fan out, its work topic; each with its dead-letter twin of the same partition count, because the dead-letter
 * recoverer keeps a record's partition.
 */
public final class ServiceTopics {

    public static KafkaAdmin.NewTopics commandOnly(String commandTopic, NewTopic... extra) {
        return build(commandTopic, null, 0, extra);
    }

    public static KafkaAdmin.NewTopics commandAndWork(String commandTopic, String workTopic, int workPartitions,
                                                      NewTopic... extra) {
        return build(commandTopic, workTopic, workPartitions, extra);
    }

    public static NewTopic topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions).build();
    }

    private static KafkaAdmin.NewTopics build(String commandTopic, String workTopic, int workPartitions, NewTopic... extra) {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(topic(commandTopic, 1));
        topics.add(topic(Topics.deadLetter(commandTopic), 1));
        if (workTopic != null) {
            topics.add(topic(workTopic, workPartitions));
            topics.add(topic(Topics.deadLetter(workTopic), workPartitions));
        }
        topics.addAll(List.of(extra));
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private ServiceTopics() {
    }
}
