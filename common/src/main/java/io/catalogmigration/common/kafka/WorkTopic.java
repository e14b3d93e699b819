package io.catalogmigration.common.kafka;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a fanning-out service to its work topic, on the service's configuration class. It declares two beans:
 * {@code <name>WorkListenerFactory}, throttled work listeners in the service's consumer group ({@link
 * ListenerFactories#work} or, with {@link #batches()}, {@link ListenerFactories#batchWork}), and
 * {@code <name>WorkTopics}, the topic with its dead-letter twin. How many listeners, partitions and records a poll
 * come from the service's properties, which implement {@link WorkTopicSettings}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TopicBindings.class)
public @interface WorkTopic {

    /** The prefix of the beans' names, which the service's {@code @KafkaListener}s name as their factory. */
    String name();

    String topic();

    /** The type of one work message. */
    Class<?> family();

    /** The service's properties record: read when the listener factory and the topic are made. */
    Class<? extends WorkTopicSettings> settings();

    /** A batch listener, handed up to {@link WorkTopicSettings#messagesPerPoll()} records at once. */
    boolean batches() default false;
}
