package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisionerProperties.class)
class ProvisionerConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, ProvisionCommand> provisionCommandListenerFactory(ListenerFactories factories) {
        return factories.commands(ProvisionCommand.class);
    }

    /** No work topic: a target is a short sequence of API calls, not bulk work to spread over consumers. */
    @Bean
    KafkaAdmin.NewTopics provisionTopics() {
        return ServiceTopics.commandOnly(Topics.PROVISION_COMMAND);
    }

    @Bean(destroyMethod = "close")
    ProvisioningThread provisioningThread() {
        return new ProvisioningThread();
    }

    @Bean(destroyMethod = "close")
    AwsClients awsClients(ProvisionerProperties settings) {
        return new AwsClients(settings.aws());
    }

    @Bean
    ProvisionOutcomes provisionOutcomes(MessagePublisher publisher, RunLedger ledger) {
        return new ProvisionOutcomes(publisher, ledger);
    }

    @Bean
    ProvisionRuns provisionRuns(ProvisionerProperties settings, RunLedger ledger, ProgressReporter progress,
                                PgConnector connector, AwsClients awsClients, ProvisionOutcomes outcomes,
                                ProvisioningThread provisioningThread) {
        return new ProvisionRuns(settings, ledger, progress, new SourceSurvey(connector),
                new AwsProvisioner(awsClients, settings), new AwsDeprovisioner(awsClients, settings),
                new LocalTarget(connector, settings), outcomes, provisioningThread);
    }

    @Bean
    ProvisionRecovery provisionRecovery(RunLedger ledger, ProvisionRuns runs) {
        return new ProvisionRecovery(ledger, runs);
    }

    @Bean
    ProvisionListeners provisionListeners(ProvisionRuns runs) {
        return new ProvisionListeners(runs);
    }
}
