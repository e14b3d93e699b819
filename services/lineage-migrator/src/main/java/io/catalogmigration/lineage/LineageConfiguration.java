package io.catalogmigration.lineage;

import io.catalogmigration.common.command.CommandAge;
import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ConsumerGroupLag;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.UUID;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LineageProperties.class)
class LineageConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, LineageCommand> lineageCommandListenerFactory(ListenerFactories factories) {
        return factories.commands(LineageCommand.class);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, LinkBatch> lineageWorkListenerFactory(ListenerFactories factories,
                                                                                          LineageProperties settings) {
        return factories.batchWork(LinkBatch.class, settings.consumers(), settings.messagesPerPoll());
    }

    @Bean
    KafkaAdmin.NewTopics lineageTopics(LineageProperties settings) {
        return ServiceTopics.commandAndWork(Topics.LINEAGE_COMMAND, Topics.LINEAGE_WORK, settings.workPartitions(),
                ServiceTopics.topic(BrokerProbe.TOPIC, 1));
    }

    @Bean
    LinkLedger linkLedger(JdbcTemplate jdbc, TransactionTemplate tx, RunLedger ledger, LineageProperties settings) {
        return new LinkLedger(jdbc, tx, ledger, settings.pointerJobName());
    }

    @Bean
    LineageOutcomes lineageOutcomes(RunOutcomes runs, RunLedger ledger) {
        return new LineageOutcomes(runs, ledger);
    }

    @Bean
    GraphSchema graphSchema(SecretResolver secrets) {
        return new GraphSchema(secrets);
    }

    @Bean
    BrokerProbe brokerProbe(MessagePublisher publisher, ConsumerFactory<?, ?> kafkaConsumerFactory, LineageProperties settings) {
        // Boot's consumer configuration (security, SSL bundle, SASL): the probe reads back as the listeners would.
        return new BrokerProbe(publisher, kafkaConsumerFactory.getConfigurationProperties(), settings.probeTimeout());
    }

    /**
     * This instance's name in the ledger (who persisted a message, who holds a run's lease): the service, the host
     * and process id an operator can find it by (a pod's host name; several instances on one machine differ by pid),
     * and a random part, since a restarted container may get the same pid.
     */
    @Bean
    LineageInstance lineageInstance(@Value("${spring.application.name}") String service) {
        return new LineageInstance(service + "/" + host() + ":" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Bean
    RunLease runLease(JdbcTemplate jdbc, TransactionTemplate tx, LineageInstance instance, LineageProperties settings) {
        return new RunLease(jdbc, tx, instance.id(), settings.leaseTtl());
    }

    @Bean
    LineageFinisher lineageFinisher(LineageProperties settings, RunLedger ledger, JdbcTemplate jdbc, PgConnector connector,
                                    LineageOutcomes outcomes, RunLease lease) {
        return new LineageFinisher(settings, ledger, jdbc, connector, outcomes, lease);
    }

    @Bean
    LinkPublisher linkPublisher(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                                MessagePublisher publisher, ProgressReporter progress, LineageFinisher finisher,
                                LineageOutcomes outcomes, RunLease lease, ConsumerThrottle throttle) {
        return new LinkPublisher(settings, ledger, links, connector, publisher, progress, finisher, outcomes, lease, throttle);
    }

    @Bean
    LineageStarter lineageStarter(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                                  GraphSchema schema, BrokerProbe probe, LinkPublisher publisher, LineageOutcomes outcomes,
                                  ProgressReporter progress, RunStart runStart, RunLease lease) {
        return new LineageStarter(settings, ledger, links, connector, schema, probe, publisher, outcomes, progress, runStart,
                lease);
    }

    @Bean
    LineageCommands lineageCommands(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                                    LineageOutcomes outcomes, CommandAge age) {
        return new LineageCommands(settings, ledger, links, connector, outcomes, age);
    }

    @Bean
    LinkConsumer linkConsumer(RunLedger ledger, LinkLedger links, PgPools pools, ProgressReporter progress,
                              LineageFinisher finisher, LineageInstance instance) {
        return new LinkConsumer(ledger, links, pools, progress, finisher, instance.id());
    }

    @Bean
    ConsumerGroupLag lineageWorkLag(KafkaAdmin kafkaAdmin) {
        return new ConsumerGroupLag(kafkaAdmin.getConfigurationProperties(), java.time.Duration.ofSeconds(10));
    }

    @Bean
    UnpersistedMessages unpersistedMessages(RunLedger ledger, LinkLedger links, ConsumerGroupLag lineageWorkLag, RunLease lease,
                                            LinkPublisher publisher, LineageOutcomes outcomes) {
        return new UnpersistedMessages(ledger, links, lineageWorkLag, lease, publisher, outcomes);
    }

    @Bean
    LineageRecovery lineageRecovery(RunLedger ledger, LinkLedger links, LineageStarter starter, LinkPublisher publisher,
                                    LineageFinisher finisher, RunLease lease, UnpersistedMessages unpersisted,
                                    LineageProperties settings) {
        return new LineageRecovery(ledger, links, starter, publisher, finisher, lease, unpersisted, settings.leaseTtl());
    }

    @Bean
    LineageListeners lineageListeners(LineageStarter starter, LineageCommands commands, LinkConsumer consumer) {
        return new LineageListeners(starter, commands, consumer);
    }
}
