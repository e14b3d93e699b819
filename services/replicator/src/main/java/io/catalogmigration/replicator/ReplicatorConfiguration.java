package io.catalogmigration.replicator;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.kafka.WorkTopic;
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
 * The replicator: its topics (record listeners on the work topic, one copy chunk, index build or verification chunk a
 * poll, throttled by the common consumer throttle; one index build may take up to index-stall, and a process that dies
 * is still noticed within the session timeout), the parts made from their collaborators alone (imported), and below,
 * those made from settings or assembled from smaller parts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicatorProperties.class)
@CommandTopic(name = "replicate", topic = Topics.REPLICATE_COMMAND, family = ReplicateCommand.class)
@WorkTopic(name = "replicate", topic = Topics.REPLICATE_WORK, family = ReplicateWork.class,
        settings = ReplicatorProperties.class)
@Import({SnapshotCopier.class, PostDataApplier.class, OnlineVerification.class, VerifyWorker.class,
        ReplicationStore.class, ReplicateOutcomes.class, ReplicateRecovery.class, ReplicateListeners.class})
class ReplicatorConfiguration {

    @Bean
    ReplicateWorkHandler replicateWorkHandler(RunLedger ledger, PgConnector connector, ProgressReporter progress,
                                              ReplicationStore store, VerifyWorker verifications) {
        return new ReplicateWorkHandler(ledger, new CopyWorker(connector, ledger, progress),
                new IndexWorker(connector, ledger, store, progress), verifications);
    }

    @Bean
    PgClients pgClients(ReplicatorProperties settings, SecretResolver secrets) {
        return new PgClients(settings.binDirectory(), secrets);
    }

    @Bean
    CommandThreads databaseThreads(ReplicatorProperties settings) {
        return new CommandThreads("The replicating threads", settings.parallelDatabases(), n -> "replicating-" + n,
                Duration.ofSeconds(10));
    }

    @Bean
    ReplicateHandler replicateHandler(ReplicatorProperties settings, RunLedger ledger, ReplicateOutcomes outcomes,
                                      PgConnector connector, PgClients clients, SecretResolver secrets,
                                      ReplicationStore store, PostDataApplier applier, ProgressReporter progress,
                                      CommandThreads threads, OnlineVerification verification, RunStart runStart,
                                      SnapshotCopier copier) {
        var unreplicated = new UnreplicatedObjects(connector);
        return new ReplicateHandler(ledger, outcomes, new SourcePreparer(settings, connector, secrets),
                new ReplicationStarter(settings, connector, clients, secrets, store, progress, unreplicated, copier),
                new StatusChecker(settings, connector, store, applier, verification, progress, unreplicated),
                new ReplicationResetter(connector, store),
                new SourceBackup(settings.backup(), connector, clients, secrets, progress, ledger), runStart, threads);
    }

    /**
     * One instance at a time takes replicate commands and resumes the unfinished ones (the copy's and the verification's
     * work is shared by every instance); on a stop the runs in progress stop before the lock goes.
     */
    @Bean
    ActiveInstance replicatorActiveInstance(ActiveInstances instances, ReplicateRecovery recovery, CommandThreads threads) {
        return instances.create(java.util.List.of(ReplicateListeners.COMMANDS), recovery::resumeUnfinishedRuns, threads::close);
    }
}
