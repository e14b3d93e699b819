package io.catalogmigration.provisioner;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretResolver;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.time.Duration;

/**
 * The provisioner: its command topic (no work topic: a target is a short sequence of API calls, not bulk work to
 * spread over consumers), the parts made from their collaborators alone (imported), and below, those made from
 * settings or assembled from smaller parts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisionerProperties.class)
@CommandTopic(name = "provision", topic = Topics.PROVISION_COMMAND, family = ProvisionCommand.class)
@Import({ProvisionOutcomes.class, ProvisionRecovery.class, ProvisionListeners.class})
class ProvisionerConfiguration {

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
    ProvisionRuns provisionRuns(ProvisionerProperties settings, RunLedger ledger, ProgressReporter progress,
                                PgConnector connector, AwsClients awsClients, ProvisionOutcomes outcomes,
                                CommandThreads provisioningThread, SecretResolver secrets, RunStart runStart) {
        return new ProvisionRuns(settings, ledger, progress, new SourceSurvey(connector),
                new AwsProvisioner(awsClients, settings), new AwsDeprovisioner(awsClients, settings),
                new RdsSnapshot(awsClients, settings), new LocalTarget(connector, settings, secrets), outcomes, runStart,
                provisioningThread);
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
}
