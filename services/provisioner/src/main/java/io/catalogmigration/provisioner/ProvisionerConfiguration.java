package io.catalogmigration.provisioner;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretResolver;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Duration;

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

    /** One run at a time, off the listener; a stop interrupts it and it resumes on the next start. */
    @Bean(destroyMethod = "close")
    CommandThreads provisioningThread() {
        return new CommandThreads("The provisioning thread", 1, n -> "provisioning", Duration.ofSeconds(10));
    }

    @Bean(destroyMethod = "close")
    AwsClients awsClients(ProvisionerProperties settings) {
        return new AwsClients(settings.aws());
    }

    @Bean
    ProvisionOutcomes provisionOutcomes(RunOutcomes runs) {
        return new ProvisionOutcomes(runs);
    }

    @Bean
    ProvisionRuns provisionRuns(ProvisionerProperties settings, RunLedger ledger, ProgressReporter progress,
                                PgConnector connector, AwsClients awsClients, ProvisionOutcomes outcomes,
                                CommandThreads provisioningThread, SecretResolver secrets, RunStart runStart) {
        return new ProvisionRuns(settings, ledger, progress, new SourceSurvey(connector),
                new AwsProvisioner(awsClients, settings), new AwsDeprovisioner(awsClients, settings),
                new RdsSnapshot(awsClients, settings), new LocalTarget(connector, settings, secrets), outcomes, runStart,
                provisioningThread);
    }

    @Bean
    ProvisionRecovery provisionRecovery(RunLedger ledger, ProvisionRuns runs) {
        return new ProvisionRecovery(ledger, runs);
    }

    /**
     * One instance at a time takes provisioner commands and resumes the unfinished ones, so two instances never create
     * (or wait for) the same RDS instance; on a stop the run in progress stops before the lock goes.
     */
    @Bean
    ActiveInstance provisionerActiveInstance(ActiveInstances instances, ProvisionRecovery recovery,
                                             CommandThreads provisioningThread) {
        return instances.create(java.util.List.of(ProvisionListeners.COMMANDS), recovery::resumeUnfinishedRuns,
                provisioningThread::close);
    }

    @Bean
    ProvisionListeners provisionListeners(ProvisionRuns runs) {
        return new ProvisionListeners(runs);
    }
}
