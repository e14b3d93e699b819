package io.catalogmigration.replicator;

import io.catalogmigration.common.active.ActiveInstance;
import io.catalogmigration.common.active.ActiveInstances;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.secret.SecretResolver;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Duration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicatorProperties.class)
class ReplicatorConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, ReplicateCommand> replicateCommandListenerFactory(ListenerFactories factories) {
        return factories.commands(ReplicateCommand.class);
    }

    /**
     * Record listeners, one work message per poll, throttled by the common consumer throttle. One index build on a
     * large table can take hours: the poll interval is index-stall (a process that dies is still noticed within the
     * session timeout; this only bounds a listener that hangs).
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, ReplicateWork> replicateWorkListenerFactory(ListenerFactories factories,
                                                                                               ReplicatorProperties settings) {
        return factories.work(ReplicateWork.class, settings.workListeners(), settings.indexStall());
    }

    @Bean
    SnapshotCopier snapshotCopier(ReplicatorProperties settings, PgConnector connector, SecretResolver secrets,
                                  ProgressReporter progress, RunLedger ledger, MessagePublisher publisher) {
        return new SnapshotCopier(settings, connector, secrets, progress, ledger, publisher);
    }

    @Bean
    ReplicateWorkHandler replicateWorkHandler(RunLedger ledger, PgConnector connector, ProgressReporter progress,
                                              ReplicationStore store, VerifyWorker verifications) {
        return new ReplicateWorkHandler(ledger, new CopyWorker(connector, ledger, progress),
                new IndexWorker(connector, ledger, store, progress), verifications);
    }

    @Bean
    OnlineVerification onlineVerification(ReplicatorProperties settings, PgConnector connector, RunLedger ledger,
                                          ReplicationStore store, MessagePublisher publisher, ProgressReporter progress) {
        return new OnlineVerification(settings, connector, ledger, store, publisher, progress);
    }

    @Bean
    VerifyWorker verifyWorker(ReplicatorProperties settings, PgConnector connector, RunLedger ledger, ProgressReporter progress) {
        return new VerifyWorker(settings, connector, ledger, progress);
    }

    @Bean
    KafkaAdmin.NewTopics replicateTopics(ReplicatorProperties settings) {
        return ServiceTopics.commandAndWork(Topics.REPLICATE_COMMAND, Topics.REPLICATE_WORK, settings.verify().partitions());
    }

    @Bean
    ReplicationStore replicationStore(JdbcTemplate jdbc) {
        return new ReplicationStore(jdbc);
    }

    @Bean
    PgClients pgClients(ReplicatorProperties settings, SecretResolver secrets) {
        return new PgClients(settings.binDirectory(), secrets);
    }

    @Bean
    ReplicateOutcomes replicateOutcomes(RunOutcomes runs) {
        return new ReplicateOutcomes(runs);
    }

    @Bean
    PostDataApplier postDataApplier(ReplicatorProperties settings, PgConnector connector, ReplicationStore store,
                                    RunLedger ledger, MessagePublisher publisher) {
        return new PostDataApplier(settings, connector, store, ledger, publisher);
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

    @Bean
    ReplicateRecovery replicateRecovery(RunLedger ledger, ReplicateHandler handler) {
        return new ReplicateRecovery(ledger, handler);
    }

    /**
     * One instance at a time takes replicate commands and resumes the unfinished ones (the copy's and the verification's
     * work is shared by every instance); on a stop the runs in progress stop before the lock goes.
     */
    @Bean
    ActiveInstance replicatorActiveInstance(ActiveInstances instances, ReplicateRecovery recovery, CommandThreads threads) {
        return instances.create(java.util.List.of(ReplicateListeners.COMMANDS), recovery::resumeUnfinishedRuns, threads::close);
    }

    @Bean
    ReplicateListeners replicateListeners(ReplicateHandler handler, ReplicateWorkHandler worker) {
        return new ReplicateListeners(handler, worker);
    }
}
