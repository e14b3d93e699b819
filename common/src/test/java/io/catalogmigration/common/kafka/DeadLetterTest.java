package io.catalogmigration.common.kafka;

import io.catalogmigration.common.KafkaTestSupport;
import io.catalogmigration.common.ProductionWiring;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.ConsumerThrottlingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static io.catalogmigration.common.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens to commands a service cannot use, on a real broker, with the production error handler and
 * dead-letter template: unreadable and invalid commands are parked at once with their reason, transient failures
 * are retried first, and the consumer carries on with the next command.
 */
class DeadLetterTest {

    private static final String TOPIC = "migration.test.command";
    private static final String DLT = Topics.deadLetter(TOPIC);
    private static final int PARTITIONS = 2;
    private static final int MAX_ATTEMPTS = 3;

    private static EmbeddedKafkaKraftBroker broker;
    private static KafkaTemplate<String, Object> messages;
    private static KafkaTemplate<Object, Object> deadLetters;
    private static KafkaProducer<String, byte[]> rawProducer;
    private static ThreadPoolTaskScheduler scheduler;
    private static ConcurrentMessageListenerContainer<String, PruneCommand> container;

    /** Every call of the listener, in order: (record key, command id). */
    private static final List<Map.Entry<String, UUID>> listenerCalls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCommandConsumer() {
        broker = KafkaTestSupport.startBroker();
        KafkaTestSupport.createTopic(broker, TOPIC, PARTITIONS);
        KafkaTestSupport.createTopic(broker, DLT, PARTITIONS);
        String bootstrap = broker.getBrokersAsString();
        messages = ProductionWiring.messageTemplate(bootstrap);
        deadLetters = ProductionWiring.deadLetterTemplate(bootstrap);
        rawProducer = KafkaTestSupport.rawProducer(bootstrap);
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();

        var throttle = new ConsumerThrottle(new ConsumerThrottlingProperties(false, 90, Duration.ofSeconds(1)),
                () -> 0.0, scheduler, new SimpleMeterRegistry());
        var factories = new ListenerFactories(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "prune-commands"),
                ErrorHandling.errorHandler(deadLetters, 50, MAX_ATTEMPTS), throttle);
        container = factories.commands(PruneCommand.class).createContainer(TOPIC);
        container.setBeanName("prune-commands");
        container.setupMessageListener((MessageListener<String, PruneCommand>) record -> {
            var command = (StartPrune) record.value();
            listenerCalls.add(Map.entry(record.key(), command.commandId()));
            if (command.migrationId().startsWith("invalid-")) {
                throw new InvalidMessageException("batchSize 0 is not a positive number of rows");
            }
            if (command.migrationId().startsWith("detail-")) {
                // as pgjdbc prints a server error: the Detail line quotes the row's values
                throw new InvalidMessageException("deleting batch 3 failed: ERROR: update or delete on table \"session\" "
                        + "violates foreign key constraint \"event_session_fk\" on table \"event\"\n  Detail: Key (id, email)="
                        + "(42, canary-row-value@example.com) is still referenced from table \"event\".\n  Where: SQL statement");
            }
            if (command.migrationId().startsWith("noisy-")) {
                throw new InvalidMessageException("line one\r\nforged-header: yes\u001b[31m red " + "x".repeat(5000));
            }
            if (command.migrationId().startsWith("flaky-")) {
                throw new IllegalStateException("control database did not answer");
            }
        });
        container.start();
        ContainerTestUtils.waitForAssignment(container, PARTITIONS);
    }

    @AfterAll
    static void stopCommandConsumer() {
        container.stop();
        scheduler.shutdown();
        rawProducer.close();
        ((DefaultKafkaProducerFactory<?, ?>) messages.getProducerFactory()).destroy();
        ((DefaultKafkaProducerFactory<?, ?>) deadLetters.getProducerFactory()).destroy();
        broker.destroy();
    }

    @Test
    void unreadableCommandsAreParkedAsTheyWereAndTheNextCommandIsStillProcessed() throws Exception {
        String key = "mig-" + UUID.randomUUID();
        StartPrune valid = startPrune(key);
        String validJson = MessageJson.mapper().writerFor(PruneCommand.class).writeValueAsString(valid);
        byte[] malformed = validJson.substring(0, validJson.length() / 2).getBytes(StandardCharsets.UTF_8);
        byte[] unknownType = validJson.replace("\"StartPrune\"", "\"StartPurge\"").getBytes(StandardCharsets.UTF_8);

        send(key, malformed, "ce_id", "malformed-1");
        send(key, unknownType, "ce_id", "unknown-type-1");
        send(key, validJson.getBytes(StandardCharsets.UTF_8), "ce_id", valid.commandId().toString());

        await("the valid command after them").atMost(Duration.ofSeconds(15))
                .until(() -> listenerCalls.contains(Map.entry(key, valid.commandId())));
        List<ConsumerRecord<String, byte[]>> parked = deadLettersFor(key, 2);

        assertThat(listenerCalls).as("the listener never saw the unreadable records")
                .filteredOn(call -> call.getKey().equals(key)).containsExactly(Map.entry(key, valid.commandId()));
        assertThat(parked).extracting(ConsumerRecord::value).as("original bytes, in order")
                .containsExactly(malformed, unknownType);
        assertThat(parked).extracting(r -> header(r, "ce_id")).as("original headers kept")
                .containsExactly("malformed-1", "unknown-type-1");
        assertThat(parked).allSatisfy(record -> {
            assertThat(header(record, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(DeserializationException.class.getName());
            assertThat(header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(TOPIC);
            assertThat(header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotBlank();
            assertNoStackTrace(record);
        });
        assertThat(header(parked.get(1), ErrorHandling.REASON_HEADER)).as("the real reason, not just 'failed to deserialize'")
                .contains("StartPurge");
        assertThat(header(parked.get(0), ErrorHandling.REASON_HEADER)).isNotBlank().doesNotContain("failed to deserialize");
        assertThat(parked).allSatisfy(record -> assertThat(record.partition()).as("same partition as the original")
                .isEqualTo(ByteBuffer.wrap(record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value()).getInt()));
    }

    @Test
    void anInvalidCommandIsParkedAfterOneAttemptWithItsReason() {
        StartPrune invalid = startPrune("invalid-" + UUID.randomUUID());

        new MessagePublisher(messages, "test").command(TOPIC, invalid);

        ConsumerRecord<String, byte[]> parked = deadLettersFor(invalid.migrationId(), 1).get(0);
        assertThat(attempts(invalid)).as("not retried: it can never succeed").isEqualTo(1);
        assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)).isEqualTo(InvalidMessageException.class.getName());
        assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("batchSize 0 is not a positive number");
        assertNoStackTrace(parked);
        assertParkedCommandCanBeRepublished(parked, invalid);
    }

    @Test
    void aTransientFailureIsRetriedBeforeTheCommandIsParked() {
        StartPrune flaky = startPrune("flaky-" + UUID.randomUUID());

        new MessagePublisher(messages, "test").command(TOPIC, flaky);

        ConsumerRecord<String, byte[]> parked = deadLettersFor(flaky.migrationId(), 1).get(0);
        assertThat(attempts(flaky)).as("delivered %d times in all", MAX_ATTEMPTS).isEqualTo(MAX_ATTEMPTS);
        assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("control database did not answer");
        assertNoStackTrace(parked);
        assertParkedCommandCanBeRepublished(parked, flaky);
    }

    @Test
    void theReasonCarriesNoRowValuesFromTheServersDetailLine() {
        StartPrune failing = startPrune("detail-" + UUID.randomUUID());

        new MessagePublisher(messages, "test").command(TOPIC, failing);

        ConsumerRecord<String, byte[]> parked = deadLettersFor(failing.migrationId(), 1).get(0);
        for (String header : List.of(KafkaHeaders.DLT_EXCEPTION_MESSAGE, ErrorHandling.REASON_HEADER)) {
            assertThat(header(parked, header)).as(header).contains("violates foreign key constraint \"event_session_fk\"")
                    .doesNotContain("canary-row-value", "Detail", "Where", "SQL statement");
        }
    }

    @Test
    void theReasonIsOneBoundedLineWithoutControlCharacters() {
        StartPrune noisy = startPrune("noisy-" + UUID.randomUUID());

        new MessagePublisher(messages, "test").command(TOPIC, noisy);

        ConsumerRecord<String, byte[]> parked = deadLettersFor(noisy.migrationId(), 1).get(0);
        for (String header : List.of(KafkaHeaders.DLT_EXCEPTION_MESSAGE, ErrorHandling.REASON_HEADER)) {
            assertThat(header(parked, header)).as(header).contains("line one forged-header: yes", " red ")
                    .doesNotContainPattern("\\p{Cntrl}").hasSizeLessThanOrEqualTo(1000).endsWith("...");
        }
    }

    private static StartPrune startPrune(String migrationId) {
        return new StartPrune(UUID.randomUUID(), migrationId, Instant.parse("2025-03-14T09:26:53Z"),
                new PgEndpoint("db.internal", 5432, "catalog", "migrator", "require", "env:PGPASSWORD"),
                List.of("qli"), PruneMode.DRY_RUN, null);
    }

    private static void send(String key, byte[] value, String header, String headerValue) throws Exception {
        var record = new ProducerRecord<>(TOPIC, key, value);
        record.headers().add(header, headerValue.getBytes(StandardCharsets.UTF_8));
        rawProducer.send(record).get();
    }

    private static long attempts(StartPrune command) {
        return listenerCalls.stream().filter(call -> call.getValue().equals(command.commandId())).count();
    }

    private static List<ConsumerRecord<String, byte[]>> deadLettersFor(String key, int expected) {
        List<ConsumerRecord<String, byte[]>> parked = KafkaTestSupport.readUntil(broker.getBrokersAsString(), DLT,
                        records -> records.stream().filter(r -> key.equals(r.key())).count() >= expected,
                        Duration.ofSeconds(20))
                .stream().filter(r -> key.equals(r.key())).toList();
        assertThat(parked).as("dead letters for %s", key).hasSize(expected);
        return parked;
    }

    private static void assertNoStackTrace(ConsumerRecord<String, byte[]> record) {
        assertThat(record.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).isNull();
        List<String> names = StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
        assertThat(names).noneMatch(name -> name.contains("stacktrace") || name.startsWith("springDeserializerException"));
        assertThat(record.headers()).allSatisfy(h ->
                assertThat(new String(h.value(), StandardCharsets.ISO_8859_1)).doesNotContain("\tat "));
    }

    private static void assertParkedCommandCanBeRepublished(ConsumerRecord<String, byte[]> parked, StartPrune sent) {
        assertThat(header(parked, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(TOPIC);
        assertThat(header(parked, "ce_id")).isEqualTo(sent.commandId().toString());
        assertThat(MessageJson.mapper().readValue(parked.value(), PruneCommand.class)).isEqualTo(sent);
    }
}
