package io.catalogmigration.common;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.command.CommandAge;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.health.ActiveInstanceHealthIndicator;
import io.catalogmigration.common.health.BrokerHealthIndicator;
import io.catalogmigration.common.health.ThrottleHealthIndicator;
import io.catalogmigration.common.kafka.ErrorHandling;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.kafka.Producers;
import io.catalogmigration.common.ledger.OutcomeOutbox;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.OutcomeRelay;
import io.catalogmigration.common.run.RunCancellation;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import io.catalogmigration.common.throttle.HeapGauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;

/** What every service wires the same way: messaging, error handling, throttling, progress, ledger, secrets. */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties({MigrationProperties.class, KafkaProperties.class})
// The management port's defaults, below every service's own settings (a @PropertySource comes after config files).
@PropertySource("classpath:io/catalogmigration/common/management-defaults.properties")
public class MigrationRuntimeAutoConfiguration {

    /**
     * Our wire format on the producer factory Boot builds from {@code spring.kafka.*} (bootstrap servers, security,
     * SSL bundle, SASL and other client properties, the client-metrics listener): see {@link Producers}.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer migrationProducerCustomizer() {
        return Producers::configure;
    }

    @Bean
    @SuppressWarnings("unchecked")
    KafkaTemplate<String, Object> kafkaTemplate(ProducerFactory<?, ?> kafkaProducerFactory, KafkaProperties kafka) {
        return template(new KafkaTemplate<>((ProducerFactory<String, Object>) kafkaProducerFactory), kafka);
    }

    /** Dead letters keep the original bytes when a record could not even be read. */
    @Bean
    KafkaTemplate<Object, Object> deadLetterTemplate(ProducerFactory<?, ?> kafkaProducerFactory, KafkaProperties kafka) {
        return template(new KafkaTemplate<>(Producers.deadLetters(kafkaProducerFactory)), kafka);
    }

    /** What Boot's own template takes from {@code spring.kafka.template.*} that applies to ours. */
    private static <K, V> KafkaTemplate<K, V> template(KafkaTemplate<K, V> template, KafkaProperties kafka) {
        template.setObservationEnabled(kafka.getTemplate().isObservationEnabled());
        return template;
    }

    @Bean
    DefaultErrorHandler migrationErrorHandler(KafkaTemplate<Object, Object> deadLetterTemplate, MigrationProperties settings) {
        return ErrorHandling.errorHandler(deadLetterTemplate, settings.retry().initialIntervalMs(),
                settings.retry().maxAttempts());
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler throttleScheduler() {
        var scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("throttle-");
        scheduler.setPoolSize(1);
        scheduler.initialize();
        return scheduler;
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerThrottle consumerThrottle(MigrationProperties settings, ThreadPoolTaskScheduler throttleScheduler,
                                      ObjectProvider<MeterRegistry> meters) {
        return new ConsumerThrottle(settings.consumerThrottling(), new HeapGauge(), throttleScheduler,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    ListenerFactories listenerFactories(ConsumerFactory<?, ?> kafkaConsumerFactory,
                                        ConcurrentKafkaListenerContainerFactoryConfigurer kafkaListenerContainerFactoryConfigurer,
                                        DefaultErrorHandler migrationErrorHandler, ConsumerThrottle throttle) {
        return ListenerFactories.fromBoot(kafkaConsumerFactory, kafkaListenerContainerFactoryConfigurer,
                migrationErrorHandler, throttle);
    }

    @Bean
    MessagePublisher messagePublisher(KafkaTemplate<String, Object> kafkaTemplate,
                                      @Value("${spring.application.name:migration}") String service) {
        return new MessagePublisher(kafkaTemplate, service);
    }

    @Bean
    ProgressReporter progressReporter(MessagePublisher publisher,
                                      @Value("${spring.application.name:migration}") String service,
                                      MigrationProperties settings, ObjectProvider<MeterRegistry> meters) {
        return new ProgressReporter(publisher, service, settings.progress().minInterval(), Clock.systemUTC(),
                meters.getIfAvailable());
    }

    /** Readiness includes it (see management-defaults.properties): without a broker a service can do nothing. */
    @Bean
    BrokerHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, MigrationProperties settings) {
        return new BrokerHealthIndicator(kafkaAdmin.getConfigurationProperties(), settings.health().brokerTimeout());
    }

    @Bean
    ThrottleHealthIndicator throttleHealthIndicator(ConsumerThrottle throttle) {
        return new ThrottleHealthIndicator(throttle);
    }

    @Bean
    @ConditionalOnMissingBean
    SecretResolver secretResolver(MigrationProperties settings) {
        return SecretResolver.fromEnvironment(settings.secrets());
    }

    @Bean
    PgConnector pgConnector(SecretResolver secrets, @Value("${spring.application.name:migration}") String service) {
        return new PgConnector(secrets, "catalog-migration-" + service);
    }

    @Bean(destroyMethod = "close")
    PgPools pgPools(SecretResolver secrets, @Value("${spring.application.name:migration}") String service,
                    MigrationProperties settings) {
        return new PgPools(secrets, "catalog-migration-" + service, settings.pools().maximumSize());
    }

    @Bean
    RunLedger runLedger(JdbcTemplate jdbcTemplate, TransactionTemplate transactionTemplate, MigrationProperties settings) {
        return new RunLedger(jdbcTemplate, transactionTemplate, settings.secrets());
    }

    @Bean
    OutcomeOutbox outcomeOutbox(JdbcTemplate jdbcTemplate) {
        return new OutcomeOutbox(jdbcTemplate);
    }

    /**
     * Publishes the outbox's outcomes; reads the outcome topic back with the services' consumer configuration when it
     * must find out whether an earlier send arrived.
     */
    @Bean
    OutcomeRelay outcomeRelay(OutcomeOutbox outcomeOutbox, MessagePublisher publisher,
                              ConsumerFactory<?, ?> kafkaConsumerFactory, MigrationProperties settings) {
        var outbox = settings.outbox();
        return new OutcomeRelay(outcomeOutbox, publisher, kafkaConsumerFactory.getConfigurationProperties(),
                outbox.pollInterval(), outbox.clockSkew(), outbox.searchTimeout());
    }

    @Bean
    RunOutcomes runOutcomes(RunLedger runLedger, OutcomeOutbox outcomeOutbox, OutcomeRelay outcomeRelay,
                            ProgressReporter progressReporter, TransactionTemplate transactionTemplate,
                            MigrationProperties settings) {
        return new RunOutcomes(runLedger, outcomeOutbox, outcomeRelay, progressReporter, transactionTemplate,
                settings.outbox().await());
    }

    /** Commands older than this (by their issuedAt) are refused: a replayed topic starts nothing. */
    @Bean
    CommandAge commandAge(MigrationProperties settings) {
        return new CommandAge(settings.commands().maxAge(), Clock.systemUTC());
    }

    /** The one way a command opens a run: ids, secret references, the ledger's admission and the command's age. */
    @Bean
    RunStart runStart(RunLedger runLedger, CommandAge commandAge) {
        return new RunStart(runLedger, commandAge);
    }

    /** The one way an operator stops a run before it finishes (CancelPrune, CancelScan). */
    @Bean
    RunCancellation runCancellation(RunStart runStart, RunLedger runLedger, RunOutcomes runOutcomes) {
        return new RunCancellation(runStart, runLedger, runOutcomes);
    }

    /**
     * For the services whose commands one instance at a time carries out (cutover, replicator, provisioner); the lock
     * is held on the control database.
     */
    @Bean
    ActiveInstances activeInstances(org.springframework.beans.factory.ObjectProvider<DataSource> dataSource,
                                    KafkaListenerEndpointRegistry registry,
                                    @Value("${spring.application.name:migration}") String service,
                                    MigrationProperties settings) {
        // a service without a control database (a test of the Kafka wiring alone) never asks for an active instance
        return new ActiveInstances(dataSource.getIfAvailable(), registry, service, settings.activeInstance().pollInterval());
    }

    @Bean
    @ConditionalOnBean(ActiveInstance.class)
    ActiveInstanceHealthIndicator activeInstanceHealthIndicator(ActiveInstance instance) {
        return new ActiveInstanceHealthIndicator(instance);
    }

    @Bean
    NewTopic progressTopic(MigrationProperties settings) {
        return TopicBuilder.name(Topics.PROGRESS).partitions(settings.topics().eventPartitions()).build();
    }

    @Bean
    NewTopic outcomeTopic(MigrationProperties settings) {
        return TopicBuilder.name(Topics.OUTCOME).partitions(settings.topics().eventPartitions()).build();
    }
}
