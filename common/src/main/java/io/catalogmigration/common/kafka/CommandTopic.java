package io.catalogmigration.common.kafka;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a service to its command topic, on the service's configuration class. It declares two beans:
 * {@code <name>CommandListenerFactory}, which reads the command family as JSON with one consumer and no throttling
 * ({@link ListenerFactories#commands}), and {@code <name>CommandTopics}, the topic (one partition, so commands stay in
 * order) with its dead-letter twin. Every service binds its commands this way, so they are read alike everywhere.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TopicBindings.class)
public @interface CommandTopic {

    /** The prefix of the beans' names, which the service's {@code @KafkaListener}s name as their factory. */
    String name();

    String topic();

    /** The sealed interface of the service's commands. */
    Class<?> family();
}
