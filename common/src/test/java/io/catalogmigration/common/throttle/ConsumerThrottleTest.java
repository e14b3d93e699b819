package io.catalogmigration.common.throttle;

import io.catalogmigration.common.KafkaTestSupport;
import io.catalogmigration.common.ProductionWiring;
import io.catalogmigration.common.kafka.ErrorHandling;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer throttling as the lineage runbook wants it: while the heap is over the threshold a work consumer takes a
 * break after each batch, on its own thread and inside its poll interval, so it keeps its partitions and loses nothing.
 */
class ConsumerThrottleTest {

    /** A work message of the test's own family, standing in for a service's batch of at most 100 items. */
    public record WorkBatch(String runId, int seq, List<String> items) {
    }

    private static final Duration BREAK = Duration.ofMillis(2500);
    /** Twice the break: a break longer than this would get the consumer thrown out of the group. */
    private static final int MAX_POLL_INTERVAL_MS = 5000;
    private static final int BATCHES = 4;

    private static EmbeddedKafkaKraftBroker broker;
    private static KafkaTemplate<String, Object> messages;
    private static KafkaTemplate<Object, Object> deadLetters;
    private static ThreadPoolTaskScheduler scheduler;

    private final HeapStandIn heap = new HeapStandIn();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Consumed> consumed = new CopyOnWriteArrayList<>();
    private final List<String> rebalances = new CopyOnWriteArrayList<>();
    private final String topic = "work-" + UUID.randomUUID();
    private ConcurrentMessageListenerContainer<String, WorkBatch> container;

    record Consumed(int seq, long atNanos, boolean pauseRequested) {
    }

    @BeforeAll
    static void startBrokerAndScheduler() {
        broker = KafkaTestSupport.startBroker();
        messages = ProductionWiring.messageTemplate(broker.getBrokersAsString());
        deadLetters = ProductionWiring.deadLetterTemplate(broker.getBrokersAsString());
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("throttle-test-");
        scheduler.initialize();
    }

    @AfterAll
    static void stopBrokerAndScheduler() {
        scheduler.shutdown();
        ((DefaultKafkaProducerFactory<?, ?>) messages.getProducerFactory()).destroy();
        ((DefaultKafkaProducerFactory<?, ?>) deadLetters.getProducerFactory()).destroy();
        broker.destroy();
    }

    @AfterEach
    void stopContainer() {
        if (container != null) {
            container.stop();
        }
    }

    @Test
    void whileTheHeapIsOverThresholdAWorkConsumerTakesABreakAfterABatchKeepsItsPartitionsAndGoesOnAfterIt() {
        heap.percent = 95;
        var factories = factories(new ConsumerThrottlingProperties(true, 90, BREAK));
        publishBatches();

        start(factories.work(WorkBatch.class, 1));

        await("first batch").atMost(Duration.ofSeconds(15)).until(() -> consumed.size() >= 1);
        Collection<TopicPartition> assignedBeforeTheBreak = container.getAssignedPartitions();
        assertThat(assignedBeforeTheBreak).hasSize(2);
        await("the break taken").atMost(Duration.ofSeconds(3)).until(() -> pauses() == 1);
        heap.percent = 40; // memory was freed during the break: no further breaks once it ends
        await("all batches").atMost(BREAK.plusSeconds(10)).until(() -> consumed.size() >= BATCHES);

        long gapMillis = Duration.ofNanos(consumed.get(1).atNanos() - consumed.get(0).atNanos()).toMillis();
        assertThat(gapMillis).as("the second batch waits out the break").isGreaterThanOrEqualTo(BREAK.toMillis() - 50);
        assertThat(consumed).extracting(Consumed::pauseRequested).as("the container itself is never paused").containsOnly(false);
        assertThat(pauses()).isEqualTo(1);

        container.stop();
        assertThat(consumed).extracting(Consumed::seq).as("every batch exactly once")
                .containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(rebalances).as("no rebalance: assigned once, revoked only when the container stopped")
                .startsWith("assigned " + sorted(assignedBeforeTheBreak))
                .filteredOn(event -> event.startsWith("assigned")).hasSize(1);
    }

    @Test
    void aBreakLongerThanThePollIntervalAllowsIsCutSoTheConsumerStaysInItsGroup() {
        heap.percent = 95;
        var factories = factories(new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(60)));
        publishBatches();

        start(factories.work(WorkBatch.class, 1));

        await("all batches, a cut break after each").atMost(Duration.ofSeconds(30)).until(() -> consumed.size() >= BATCHES);
        long gapMillis = Duration.ofNanos(consumed.get(1).atNanos() - consumed.get(0).atNanos()).toMillis();
        assertThat(gapMillis).as("half the poll interval, not the minute configured")
                .isBetween(MAX_POLL_INTERVAL_MS / 2L - 50, MAX_POLL_INTERVAL_MS - 500L);
        container.stop();
        assertThat(consumed).extracting(Consumed::seq).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(rebalances).as("never thrown out of the group").filteredOn(event -> event.startsWith("assigned")).hasSize(1);
    }

    @Test
    void withThrottlingDisabledAWorkConsumerNeverPausesHoweverFullTheHeap() {
        heap.percent = 99;
        var factories = factories(new ConsumerThrottlingProperties(false, 90, Duration.ofSeconds(30)));
        publishBatches();

        start(factories.work(WorkBatch.class, 1));

        await("all batches").atMost(Duration.ofSeconds(15)).until(() -> consumed.size() >= BATCHES);
        assertThat(consumed).extracting(Consumed::pauseRequested).containsOnly(false);
        assertThat(container.isPauseRequested()).isFalse();
        assertThat(pauses()).isZero();
        assertThat(consumed).extracting(Consumed::seq).containsExactlyInAnyOrder(1, 2, 3, 4);
    }

    @Test
    void aCommandConsumerIsNeverThrottledEvenWhenThrottlingIsOn() {
        heap.percent = 99;
        var factories = factories(new ConsumerThrottlingProperties(true, 90, Duration.ofSeconds(30)));
        publishBatches();

        start(factories.commands(WorkBatch.class));

        await("all commands").atMost(Duration.ofSeconds(15)).until(() -> consumed.size() >= BATCHES);
        assertThat(consumed).extracting(Consumed::pauseRequested).containsOnly(false);
        assertThat(pauses()).isZero();
        assertThat(heap.reads).as("the heap is not even measured").isZero();
    }

    private ListenerFactories factories(ConsumerThrottlingProperties settings) {
        var throttle = new ConsumerThrottle(settings, heap, scheduler, meters);
        return new ListenerFactories(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "group-" + topic,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS),
                ErrorHandling.errorHandler(deadLetters, 100, 2), throttle);
    }

    private void publishBatches() {
        KafkaTestSupport.createTopic(broker, topic, 2);
        var publisher = new MessagePublisher(messages, "test");
        for (int seq = 1; seq <= BATCHES; seq++) {
            publisher.send(topic, "run-" + seq, new WorkBatch("run-" + seq, seq, List.of("item-a", "item-b")));
        }
    }

    private void start(ConcurrentKafkaListenerContainerFactory<String, WorkBatch> factory) {
        container = factory.createContainer(topic);
        container.setBeanName("work-" + topic.substring(5, 13));
        container.getContainerProperties().setConsumerRebalanceListener(new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    rebalances.add("revoked " + sorted(partitions));
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    rebalances.add("assigned " + sorted(partitions));
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                rebalances.add("lost " + sorted(partitions));
            }
        });
        container.setupMessageListener((MessageListener<String, WorkBatch>) record ->
                consumed.add(new Consumed(record.value().seq(), System.nanoTime(), container.isPauseRequested())));
        container.start();
        ContainerTestUtils.waitForAssignment(container, 2);
    }

    private double pauses() {
        return meters.get("migration.consumer.throttle.pauses").counter().count();
    }

    private static List<String> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }

    /** The heap gauge, set by the test; counts how often the throttle looked at it. */
    static final class HeapStandIn implements DoubleSupplier {

        volatile double percent;
        volatile int reads;

        @Override
        public double getAsDouble() {
            reads++;
            return percent;
        }
    }
}
