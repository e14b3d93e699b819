package io.catalogmigration.testkit;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) on a random port: inside this JVM, or in a
 * container where a Docker engine answers ({@link Containers}). Topics are created on first use with the
 * configured partition count, like a development cluster with {@code auto.create.topics.enable}.
 * {@link #startWithSaslPlain} starts one whose listener requires a SASL/PLAIN login.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final int DEFAULT_PARTITIONS = 4;
    /** Lets a developer point tests or the local run at a broker of their own. */
    public static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    /** The image of the container path: the broker docker-compose.yml runs. */
    static final String IMAGE = "apache/kafka:4.1.0";
    /** The kit's own login on a SASL broker (topic creation, the broker's own connections). */
    static final String KIT_USER = "kit-admin";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String ADDRESS_PROPERTY = "catalogmigration.testkit.kafka.last-started";
    private static final Pattern JAAS_SAFE = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    private final String bootstrapServers;
    private final Map<String, Object> kitLogin;
    private final AutoCloseable server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaBroker(String bootstrapServers, Map<String, Object> kitLogin, AutoCloseable server) {
        this.bootstrapServers = bootstrapServers;
        this.kitLogin = kitLogin;
        this.server = server;
    }

    public static KafkaBroker start() {
        return start(DEFAULT_PARTITIONS);
    }

    /** @param partitions partitions of every topic the broker creates on first use */
    public static KafkaBroker start(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        return Containers.enabled() ? inContainer(partitions) : inProcess(partitions, Map.of(), Map.of());
    }

    /**
     * A broker whose only client listener is SASL_PLAINTEXT with the PLAIN mechanism, admitting these users
     * (name to password) and nobody else; log in with {@link #saslPlainLogin}. Always in this JVM: it proves what
     * the clients do, which a container would not change.
     */
    public static KafkaBroker startWithSaslPlain(Map<String, String> users) {
        String kitPassword = PostgresCluster.randomPassword();
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"")
                .append(KIT_USER).append("\" password=\"").append(kitPassword).append("\" user_").append(KIT_USER)
                .append("=\"").append(kitPassword).append('"');
        users.forEach((user, password) -> {
            if (!JAAS_SAFE.matcher(user).matches() || !JAAS_SAFE.matcher(password).matches()) {
                throw new IllegalArgumentException("SASL users and passwords here are 1-64 of A-Z a-z 0-9 _ . @ -: " + user);
            }
            jaas.append(" user_").append(user).append("=\"").append(password).append('"');
        });
        jaas.append(';');
        Map<String, String> listener = new LinkedHashMap<>();
        // The test kit's cluster names its client listener EXTERNAL and the controller's CONTROLLER; only the first
        // is secured, the controller stays inside this process.
        listener.put("listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        listener.put("sasl.enabled.mechanisms", "PLAIN");
        listener.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        listener.put("listener.name.external.plain.sasl.jaas.config", jaas.toString());
        return inProcess(DEFAULT_PARTITIONS, listener, saslPlainLogin(KIT_USER, kitPassword));
    }

    /** The client properties of a SASL/PLAIN login: what {@code --command-config} or spring.kafka.* would hold. */
    public static Map<String, Object> saslPlainLogin(String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    private static KafkaBroker inProcess(int partitions, Map<String, String> listener, Map<String, Object> kitLogin) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        Map<String, String> properties = new LinkedHashMap<>(Map.of(
                // Internal topics default to replication factor 3, which one broker can never satisfy:
                // consumer groups and transactions would hang instead of failing.
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "10",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "true",
                "num.partitions", Integer.toString(partitions)));
        properties.putAll(listener);
        broker.brokerProperties(properties);
        // It always publishes its address as a system property, by default the JVM-wide
        // spring.kafka.bootstrap-servers: a second broker, or an application context meant for
        // another broker, would then silently talk to whichever started last. Callers pass
        // bootstrapServers() explicitly instead.
        broker.brokerListProperty(ADDRESS_PROPERTY);
        broker.adminTimeout((int) ADMIN_TIMEOUT.toSeconds());
        broker.afterPropertiesSet();
        return new KafkaBroker(broker.getBrokersAsString(), kitLogin, broker::destroy);
    }

    private static KafkaBroker inContainer(int partitions) {
        KafkaContainer container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(partitions))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        log.info("Kafka {} runs in container {} at {}", IMAGE, container.getContainerId(), container.getBootstrapServers());
        return new KafkaBroker(container.getBootstrapServers(), Map.of(), container::stop);
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS} if set and not blank. */
    public static Optional<String> bootstrapServersFromEnvironment() {
        return Optional.ofNullable(System.getenv(BOOTSTRAP_SERVERS_ENV)).map(String::strip).filter(s -> !s.isEmpty());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a topic unless it already exists (e.g. because a client auto-created it). */
    public void createTopic(String name, int partitions) {
        Map<String, Object> admin = new HashMap<>(kitLogin);
        admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
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
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("the broker at " + bootstrapServers + " did not stop cleanly", e);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + (closed.get() ? "closed" : bootstrapServers) + "]";
    }
}
