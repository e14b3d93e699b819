package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.CommandTopic;
import io.catalogmigration.common.kafka.WorkTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The scan service: its topics (record listeners on the work topic, one work message a poll, throttled by the common
 * consumer throttle), and its parts, each made from its collaborators alone.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScanProperties.class)
@CommandTopic(name = "scan", topic = Topics.SCAN_COMMAND, family = ScanCommand.class)
@WorkTopic(name = "scan", topic = Topics.SCAN_WORK, family = ScanWork.class, settings = ScanProperties.class)
@Import({ScanPlanner.class, ScanDispatcher.class, ScanWorker.class, ScanFinisher.class, Findings.class,
        ScanOutcomes.class, ScanRecovery.class, ScanCancel.class, ScanCommands.class, ScanListeners.class})
class ScanConfiguration {
}
