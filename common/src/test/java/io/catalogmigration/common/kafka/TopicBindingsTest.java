package io.catalogmigration.common.kafka;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.ConsumerThrottlingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.util.ReflectionTestUtils;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A service's configuration class names its topics once; the listener factories and topics follow from its settings. */
class TopicBindingsTest {

    record WorkItem(String id) {
    }

    record Settings(int workers, int workPartitions, int messagesPerPoll, Optional<Duration> longestWorkMessage)
            implements WorkTopicSettings {
    }

    @Configuration(proxyBeanMethods = false)
    static class Shared {
        @Bean(destroyMethod = "shutdown")
        ThreadPoolTaskScheduler scheduler() {
            var scheduler = new ThreadPoolTaskScheduler();
            scheduler.initialize();
            return scheduler;
        }

        @Bean
        ListenerFactories listenerFactories(ThreadPoolTaskScheduler scheduler) {
            var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(1)),
                    () -> 0.0, scheduler, new SimpleMeterRegistry());
            return new ListenerFactories(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9"),
                    new DefaultErrorHandler(), throttle);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @CommandTopic(name = "bulk", topic = Topics.PRUNE_COMMAND, family = PruneCommand.class)
    @WorkTopic(name = "bulk", topic = Topics.PRUNE_WORK, family = WorkItem.class, settings = Settings.class, batches = true)
    static class BatchService {
        @Bean
        Settings settings() {
            return new Settings(3, 5, 40, Optional.empty());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @WorkTopic(name = "slow", topic = Topics.SCAN_WORK, family = WorkItem.class, settings = Settings.class)
    static class SlowRecordService {
        @Bean
        Settings settings() {
            return new Settings(2, 4, 1, Optional.of(Duration.ofHours(6)));
        }
    }

    @Test
    void aCommandTopicGetsOneOrderedConsumerAndItsDeadLetterTwin() {
        try (var context = new AnnotationConfigApplicationContext(Shared.class, BatchService.class)) {
            var commands = factory(context, "bulkCommandListenerFactory");
            assertThat(commands.isBatchListener()).isFalse();
            assertThat(commands.createContainer("t").getConcurrency()).isEqualTo(1);
            assertThat(partitions(context.getBean("bulkCommandTopics", KafkaAdmin.NewTopics.class)))
                    .isEqualTo(Map.of(Topics.PRUNE_COMMAND, 1, Topics.deadLetter(Topics.PRUNE_COMMAND), 1));
        }
    }

    @Test
    void aBatchWorkTopicTakesItsListenersPartitionsAndPollSizeFromTheServicesSettings() {
        try (var context = new AnnotationConfigApplicationContext(Shared.class, BatchService.class)) {
            var work = factory(context, "bulkWorkListenerFactory");
            assertThat(work.isBatchListener()).isTrue();
            assertThat(work.createContainer("t").getConcurrency()).isEqualTo(3);
            assertThat(work.getConsumerFactory().getConfigurationProperties())
                    .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 40);
            assertThat(partitions(context.getBean("bulkWorkTopics", KafkaAdmin.NewTopics.class)))
                    .isEqualTo(Map.of(Topics.PRUNE_WORK, 5, Topics.deadLetter(Topics.PRUNE_WORK), 5));
        }
    }

    @Test
    void withThrottlingOnABatchWorkConsumerFetchesAtMostAQuarterMegabyteAPartition() {
        // Shared's throttle is enabled: what a consumer buffers besides its poll is bounded, not only paused.
        try (var context = new AnnotationConfigApplicationContext(Shared.class, BatchService.class)) {
            assertThat(factory(context, "bulkWorkListenerFactory").getConsumerFactory().getConfigurationProperties())
                    .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        }
    }

    @Test
    void aRecordWorkTopicTakesOneMessageAPollAndAllowsTheLongestOneItsSettingsName() {
        try (var context = new AnnotationConfigApplicationContext(Shared.class, SlowRecordService.class)) {
            var work = factory(context, "slowWorkListenerFactory");
            assertThat(work.isBatchListener()).isFalse();
            assertThat(work.createContainer("t").getConcurrency()).isEqualTo(2);
            assertThat(work.getConsumerFactory().getConfigurationProperties())
                    .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)
                    .containsEntry(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(6).toMillis());
            assertThat(context.containsBean("slowCommandListenerFactory")).isFalse();
            assertThat(partitions(context.getBean("slowWorkTopics", KafkaAdmin.NewTopics.class)))
                    .isEqualTo(Map.of(Topics.SCAN_WORK, 4, Topics.deadLetter(Topics.SCAN_WORK), 4));
        }
    }

    private static ConcurrentKafkaListenerContainerFactory<?, ?> factory(AnnotationConfigApplicationContext context, String name) {
        return context.getBean(name, ConcurrentKafkaListenerContainerFactory.class);
    }

    private static Map<String, Integer> partitions(KafkaAdmin.NewTopics topics) {
        Collection<NewTopic> all = ReflectionTestUtils.invokeMethod(topics, "getNewTopics");
        return all.stream().collect(Collectors.toMap(NewTopic::name, NewTopic::numPartitions));
    }
}
