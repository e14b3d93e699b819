package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunCancellation;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.run.RunStart;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PruneProperties.class)
class PruneConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, PruneCommand> pruneCommandListenerFactory(ListenerFactories factories) {
        return factories.commands(PruneCommand.class);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, PruneWork> pruneWorkListenerFactory(ListenerFactories factories,
                                                                                            PruneProperties settings) {
        return factories.work(PruneWork.class, settings.workers());
    }

    @Bean
    KafkaAdmin.NewTopics pruneTopics(PruneProperties settings) {
        return ServiceTopics.commandAndWork(Topics.PRUNE_COMMAND, Topics.PRUNE_WORK, settings.workPartitions());
    }

    @Bean
    PruneOutcomes pruneOutcomes(RunOutcomes runs) {
        return new PruneOutcomes(runs);
    }

    @Bean
    PruneDispatcher pruneDispatcher(RunLedger ledger, MessagePublisher publisher, PruneFinisher finisher) {
        return new PruneDispatcher(ledger, publisher, finisher);
    }

    @Bean
    PruneFinisher pruneFinisher(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneOutcomes outcomes,
                                ProgressReporter progress) {
        return new PruneFinisher(settings, ledger, connector, outcomes, progress);
    }

    @Bean
    PrunePlanner prunePlanner(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneDispatcher dispatcher,
                              PruneOutcomes outcomes, ProgressReporter progress, RunStart runStart) {
        return new PrunePlanner(settings, ledger, connector, dispatcher, outcomes, progress, runStart);
    }

    @Bean
    PruneWorker pruneWorker(PruneProperties settings, RunLedger ledger, PgConnector connector, PruneDispatcher dispatcher,
                            PruneOutcomes outcomes, ProgressReporter progress) {
        return new PruneWorker(settings, ledger, connector, dispatcher, outcomes, progress);
    }

    @Bean
    PruneRecovery pruneRecovery(RunLedger ledger, PrunePlanner planner, PruneDispatcher dispatcher) {
        return new PruneRecovery(ledger, planner, dispatcher);
    }

    @Bean
    PruneListeners pruneListeners(PrunePlanner planner, PruneWorker worker, PruneOutcomes outcomes, RunCancellation cancellation) {
        return new PruneListeners(new PruneCommands(planner, new PruneCancel(cancellation, outcomes)), worker);
    }
}
