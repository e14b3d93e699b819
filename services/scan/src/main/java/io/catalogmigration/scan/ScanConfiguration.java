package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.ServiceTopics;
import io.catalogmigration.common.kafka.ListenerFactories;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.RunCancellation;
import io.catalogmigration.common.run.RunOutcomes;
import io.catalogmigration.common.run.RunStart;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScanProperties.class)
class ScanConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, ScanCommand> scanCommandListenerFactory(ListenerFactories factories) {
        return factories.commands(ScanCommand.class);
    }

    /** Record listeners, one work message per poll, throttled by the common consumer throttle. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, ScanWork> scanWorkListenerFactory(ListenerFactories factories,
                                                                                          ScanProperties settings) {
        return factories.work(ScanWork.class, settings.workers());
    }

    @Bean
    KafkaAdmin.NewTopics scanTopics(ScanProperties settings) {
        return ServiceTopics.commandAndWork(Topics.SCAN_COMMAND, Topics.SCAN_WORK, settings.workPartitions());
    }

    @Bean
    Findings scanFindings(JdbcTemplate jdbc) {
        return new Findings(jdbc);
    }

    @Bean
    ScanOutcomes scanOutcomes(RunOutcomes runs) {
        return new ScanOutcomes(runs);
    }

    @Bean
    ScanFinisher scanFinisher(RunLedger ledger, Findings findings, ScanOutcomes outcomes) {
        return new ScanFinisher(ledger, findings, outcomes);
    }

    @Bean
    ScanDispatcher scanDispatcher(ScanProperties settings, RunLedger ledger, MessagePublisher publisher, ScanFinisher finisher) {
        return new ScanDispatcher(settings, ledger, publisher, finisher);
    }

    @Bean
    ScanPlanner scanPlanner(ScanProperties settings, RunLedger ledger, PgConnector connector, ScanDispatcher dispatcher,
                            ScanOutcomes outcomes, ProgressReporter progress, RunStart runStart) {
        return new ScanPlanner(settings, ledger, connector, dispatcher, outcomes, progress, runStart);
    }

    @Bean
    ScanWorker scanWorker(RunLedger ledger, Findings findings, PgPools pools, ScanDispatcher dispatcher,
                          ScanOutcomes outcomes, ProgressReporter progress) {
        return new ScanWorker(ledger, findings, pools, dispatcher, outcomes, progress);
    }

    @Bean
    ScanRecovery scanRecovery(RunLedger ledger, ScanPlanner planner, ScanDispatcher dispatcher) {
        return new ScanRecovery(ledger, planner, dispatcher);
    }

    @Bean
    ScanListeners scanListeners(ScanPlanner planner, ScanWorker worker, ScanOutcomes outcomes, RunCancellation cancellation) {
        return new ScanListeners(new ScanCommands(planner, new ScanCancel(cancellation, outcomes)), worker);
    }
}
