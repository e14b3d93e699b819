package io.catalogmigration.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running inside this JVM on a
 * random port. Topics are created on first use with the configured partition count, like a
 * development cluster with {@code auto.create.topics.enable}.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final int DEFAULT_PARTITIONS = 4;
    /** Lets a developer point tests or the local run at a broker of their own. */
    public static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String ADDRESS_PROPERTY = "catalogmigration.testkit.kafka.last-started";

    private final EmbeddedKafkaKraftBroker broker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaBroker(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    public static KafkaBroker start() {
        return start(DEFAULT_PARTITIONS);
    }

    /** @param partitions partitions of every topic the broker creates on first use */
    public static KafkaBroker start(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        // Internal topics default to replication factor 3, which one broker can never satisfy:
        // consumer groups and transactions would hang instead of failing.
        broker.brokerProperties(Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "10",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "true",
                "num.partitions", Integer.toString(partitions)));
        // It always publishes its address as a system property, by default the JVM-wide
        // spring.kafka.bootstrap-servers: a second broker, or an application context meant for
        // another broker, would then silently talk to whichever started last. Callers pass
        // bootstrapServers() explicitly instead.
        broker.brokerListProperty(ADDRESS_PROPERTY);
        broker.adminTimeout((int) ADMIN_TIMEOUT.toSeconds());
        broker.afterPropertiesSet();
        return new KafkaBroker(broker);
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS} if set and not blank. */
    public static Optional<String> bootstrapServersFromEnvironment() {
        return Optional.ofNullable(System.getenv(BOOTSTRAP_SERVERS_ENV)).map(String::strip).filter(s -> !s.isEmpty());
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** Creates a topic unless it already exists (e.g. because a client auto-created it). */
    public void createTopic(String name, int partitions) {
        broker.doWithAdmin(admin -> {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + name, e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("topic " + name + " was not created within " + ADMIN_TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + name, e);
            }
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            broker.destroy();
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + (closed.get() ? "closed" : bootstrapServers()) + "]";
    }
}
