package io.catalogmigration.common.kafka;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.function.Supplier;

/**
 * Declares the beans of {@link CommandTopic} and {@link WorkTopic}. They are made when first needed, from common's
 * {@link ListenerFactories} and the service's properties, so the annotations need nothing but constants.
 */
public final class TopicBindings implements ImportBeanDefinitionRegistrar, BeanFactoryAware {

    private BeanFactory beans;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        MergedAnnotation<CommandTopic> commands = metadata.getAnnotations().get(CommandTopic.class);
        if (commands.isPresent()) {
            String name = commands.getString("name");
            String topic = commands.getString("topic");
            Class<?> family = commands.getClass("family");
            register(registry, name + "CommandListenerFactory", ConcurrentKafkaListenerContainerFactory.class,
                    () -> factories().commands(family));
            register(registry, name + "CommandTopics", KafkaAdmin.NewTopics.class, () -> ServiceTopics.commandOnly(topic));
        }
        MergedAnnotation<WorkTopic> work = metadata.getAnnotations().get(WorkTopic.class);
        if (work.isPresent()) {
            String name = work.getString("name");
            String topic = work.getString("topic");
            Class<?> family = work.getClass("family");
            Class<?> settingsType = work.getClass("settings");
            boolean batches = work.getBoolean("batches");
            register(registry, name + "WorkListenerFactory", ConcurrentKafkaListenerContainerFactory.class,
                    () -> workFactory(family, (WorkTopicSettings) beans.getBean(settingsType), batches));
            register(registry, name + "WorkTopics", KafkaAdmin.NewTopics.class,
                    () -> ServiceTopics.workOnly(topic, ((WorkTopicSettings) beans.getBean(settingsType)).workPartitions()));
        }
    }

    private ConcurrentKafkaListenerContainerFactory<String, ?> workFactory(Class<?> family, WorkTopicSettings settings,
                                                                          boolean batches) {
        if (batches) {
            return factories().batchWork(family, settings.workers(), settings.messagesPerPoll());
        }
        return settings.longestWorkMessage()
                .<ConcurrentKafkaListenerContainerFactory<String, ?>>map(longest -> factories().work(family, settings.workers(), longest))
                .orElseGet(() -> factories().work(family, settings.workers()));
    }

    private ListenerFactories factories() {
        return beans.getBean(ListenerFactories.class);
    }

    private static <T> void register(BeanDefinitionRegistry registry, String name, Class<T> type, Supplier<? extends T> supplier) {
        registry.registerBeanDefinition(name, new RootBeanDefinition(type, supplier::get));
    }
}
