package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.kafka.ConsumerGroupLag;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.WorkTopic;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.CommandThreads;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.UUID;

/**
 * The lineage migrator: its topics (batch listeners on the work topic, many link messages persisted in one
 * transaction), the parts made from their collaborators alone (imported), and below, those made from settings.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LineageProperties.class)
@CommandTopic(name = "lineage", topic = Topics.LINEAGE_COMMAND, family = LineageCommand.class)
@WorkTopic(name = "lineage", topic = Topics.LINEAGE_WORK, family = LinkBatch.class, settings = LineageProperties.class,
        batches = true)
@Import({LineageStarter.class, LinkPublisher.class, LineageFinisher.class, LineageCommands.class, LineageOutcomes.class,
        GraphSchema.class, UnpersistedMessages.class, LineageListeners.class})
class LineageConfiguration {

    @Bean
    NewTopic brokerProbeTopic() {
        return ServiceTopics.topic(BrokerProbe.TOPIC, 1);
    }

    /**
     * The publisher's one thread (common's command-thread lifecycle): stopped when the context closes, before the
     * producer, so publishing winds down while it can still send.
     */
    @Bean
    CommandThreads publisherThread() {
        return new CommandThreads("The lineage publisher", 1, n -> "lineage-publisher", Duration.ofSeconds(10));
    }

    @Bean
    LinkLedger linkLedger(JdbcTemplate jdbc, TransactionTemplate tx, RunLedger ledger, LineageProperties settings) {
        return new LinkLedger(jdbc, tx, ledger, settings.pointerJobName());
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
    LinkConsumer linkConsumer(RunLedger ledger, LinkLedger links, PgPools pools, ProgressReporter progress,
                              LineageFinisher finisher, LineageInstance instance) {
        return new LinkConsumer(ledger, links, pools, progress, finisher, instance.id());
    }

    @Bean
    ConsumerGroupLag lineageWorkLag(KafkaAdmin kafkaAdmin) {
        return new ConsumerGroupLag(kafkaAdmin.getConfigurationProperties(), Duration.ofSeconds(10));
    }

    @Bean
    LineageRecovery lineageRecovery(RunLedger ledger, LinkLedger links, LineageStarter starter, LinkPublisher publisher,
                                    LineageFinisher finisher, RunLease lease, UnpersistedMessages unpersisted,
                                    LineageProperties settings) {
        return new LineageRecovery(ledger, links, starter, publisher, finisher, lease, unpersisted, settings.leaseTtl());
    }
}
