package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.kafka.WorkTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The prune service: its topics, and its parts. Every part is made from its collaborators alone, so each is
 * imported and its constructor says what it needs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PruneProperties.class)
@CommandTopic(name = "prune", topic = Topics.PRUNE_COMMAND, family = PruneCommand.class)
@WorkTopic(name = "prune", topic = Topics.PRUNE_WORK, family = PruneWork.class, settings = PruneProperties.class)
@Import({PrunePlanner.class, PruneDispatcher.class, PruneWorker.class, PruneFinisher.class, PruneOutcomes.class,
        PruneRecovery.class, PruneCancel.class, PruneCommands.class, PruneListeners.class})
class PruneConfiguration {
}
