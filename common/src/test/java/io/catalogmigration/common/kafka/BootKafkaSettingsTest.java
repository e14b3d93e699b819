package io.catalogmigration.common.kafka;

import io.catalogmigration.common.MigrationRuntimeAutoConfiguration;
import io.catalogmigration.common.contract.PruneCommand;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's {@code spring.kafka.*} settings reach what the services build their listeners and producers from:
 * security protocol, SASL properties, the SSL bundle, listener settings, producer settings. Nothing connects: the
 * context is only built and looked at.
 */
class BootKafkaSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"migration\" password=\"not-a-real-password\";";

    @TempDir
    Path directory;

    private ApplicationContextRunner runner() throws Exception {
        Path truststore = directory.resolve("truststore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, "changeit".toCharArray());
        }
        return new ApplicationContextRunner()
                // as SpringApplication does: "3s" becomes a Duration for the runtime's @Value settings
                .withInitializer(context -> context.getBeanFactory()
                        .setConversionService(ApplicationConversionService.getSharedInstance()))
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, KafkaAutoConfiguration.class,
                        MigrationRuntimeAutoConfiguration.class))
                .withUserConfiguration(UnusedControlDatabase.class)
                .withPropertyValues(
                        "spring.kafka.bootstrap-servers=broker-1.example:9096",
                        "spring.kafka.security.protocol=SASL_SSL",
                        "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                        "spring.kafka.properties.sasl.jaas.config=" + JAAS,
                        "spring.kafka.ssl.bundle=broker",
                        "spring.ssl.bundle.jks.broker.truststore.location=file:" + truststore,
                        "spring.ssl.bundle.jks.broker.truststore.password=changeit",
                        "spring.ssl.bundle.jks.broker.truststore.type=PKCS12",
                        "spring.kafka.listener.observation-enabled=true",
                        "spring.kafka.listener.poll-timeout=7s",
                        "spring.kafka.listener.type=batch",
                        "spring.kafka.listener.ack-mode=manual",
                        "spring.kafka.consumer.auto-offset-reset=latest",
                        "spring.kafka.consumer.enable-auto-commit=true",
                        "spring.kafka.producer.acks=1");
    }

    @Test
    void securitySaslAndTheSslBundleReachEveryListenerProducerAndAdminClient() throws Exception {
        runner().run(context -> {
            var factories = context.getBean(ListenerFactories.class);
            for (var factory : List.of(factories.commands(PruneCommand.class), factories.work(PruneCommand.class, 3),
                    factories.batchWork(PruneCommand.class, 2, 50))) {
                assertSecured(factory.getConsumerFactory().getConfigurationProperties());
                assertThat(factory.getConsumerFactory().getConfigurationProperties())
                        .as("spring.kafka.consumer.*").containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            }
            @SuppressWarnings("unchecked")
            var messages = (KafkaTemplate<String, Object>) context.getBean("kafkaTemplate");
            assertSecured(messages.getProducerFactory().getConfigurationProperties());
            assertThat(messages.getProducerFactory().getConfigurationProperties())
                    .as("spring.kafka.producer.* wins over the runtime's defaults")
                    .containsEntry(ProducerConfig.ACKS_CONFIG, "1")
                    .as("the defaults fill what is unset").containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            assertThat(((DefaultKafkaProducerFactory<?, ?>) messages.getProducerFactory()).getKeySerializer())
                    .isInstanceOf(StringSerializer.class);
            var deadLetters = (KafkaTemplate<?, ?>) context.getBean("deadLetterTemplate");
            assertSecured(deadLetters.getProducerFactory().getConfigurationProperties());
            assertSecured(context.getBean(KafkaAdmin.class).getConfigurationProperties());
        });
    }

    @Test
    void listenerSettingsApplyButNotOverWhatTheServicesRestOn() throws Exception {
        runner().run(context -> {
            var factories = context.getBean(ListenerFactories.class);
            var commands = factories.commands(PruneCommand.class);
            var work = factories.work(PruneCommand.class, 3);
            var batches = factories.batchWork(PruneCommand.class, 2, 50);
            for (var factory : List.of(commands, work, batches)) {
                ContainerProperties container = factory.getContainerProperties();
                assertThat(container.isObservationEnabled()).as("spring.kafka.listener.observation-enabled").isTrue();
                assertThat(container.getPollTimeout()).as("spring.kafka.listener.poll-timeout")
                        .isEqualTo(Duration.ofSeconds(7).toMillis());
                assertThat(factory.getConsumerFactory().getConfigurationProperties())
                        .as("offsets are committed by the container after the work, never automatically")
                        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            }
            assertThat(commands.isBatchListener()).as("spring.kafka.listener.type=batch does not batch commands").isFalse();
            assertThat(work.isBatchListener()).isFalse();
            assertThat(batches.isBatchListener()).isTrue();
            assertThat(commands.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.RECORD);
            assertThat(batches.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.BATCH);
            assertThat(commands.getRecordInterceptor()).isInstanceOf(RunContextInterceptor.class);
            assertThat(batches.getConsumerFactory().getConfigurationProperties())
                    .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        });
    }

    @Test
    void everyGroupRebalancesCooperativelyWithAShortSessionUnlessTheConsumerSettingsSayOtherwise() throws Exception {
        runner().withPropertyValues("spring.kafka.consumer.properties.session.timeout.ms=20000").run(context -> {
            var factories = context.getBean(ListenerFactories.class);
            for (var factory : List.of(factories.commands(PruneCommand.class), factories.work(PruneCommand.class, 3),
                    factories.batchWork(PruneCommand.class, 2, 50))) {
                assertThat(factory.getConsumerFactory().getConfigurationProperties())
                        .as("survivors keep their partitions while a dead member's move")
                        .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName())
                        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000)
                        .as("spring.kafka.consumer.properties.* wins").containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000")
                        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            }
        });
        runner().run(context -> assertThat(context.getBean(ListenerFactories.class).commands(PruneCommand.class)
                .getConsumerFactory().getConfigurationProperties())
                .as("a dead member's partitions wait 10 s, not the client's 45 s")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000));
    }

    private static void assertSecured(Map<String, Object> client) {
        assertThat(client).containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, JAAS)
                .containsKey(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)
                .containsKey(SslBundle.class.getName());
        assertThat(String.valueOf(client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))).contains("broker-1.example:9096");
    }

    /** The run ledger's JDBC beans over a database nobody connects to: this test only builds the context. */
    @Configuration(proxyBeanMethods = false)
    static class UnusedControlDatabase {
        private final DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/unused");

        @Bean
        JdbcTemplate jdbcTemplate() {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        TransactionTemplate transactionTemplate() {
            return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        }
    }
}
