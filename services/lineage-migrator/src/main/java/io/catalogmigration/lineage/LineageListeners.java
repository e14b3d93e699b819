package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import java.util.List;

/** Adapters only: unwrap the messages, call the application. */
record LineageListeners(LineageStarter starter, LineageCommands commands, LinkConsumer consumer) {

    /** The consumer group (and container id) of the work topic's consumers. */
    static final String WORK_GROUP = "lineage-consumers";

    @KafkaListener(id = "lineage-commands", groupId = "lineage-commands", topics = Topics.LINEAGE_COMMAND,
            containerFactory = "lineageCommandListenerFactory")
    void onCommand(LineageCommand command) {
        if (command instanceof StartLineageMigration start) {
            starter.start(start);
        } else if (command instanceof ResetLineagePointer reset) {
            commands.reset(reset);
        } else if (command instanceof ValidateLineage validate) {
            commands.validate(validate);
        }
    }

    /** The poll as it came: the consumer persists the readable messages and has an unreadable one dead-lettered. */
    @KafkaListener(id = WORK_GROUP, groupId = WORK_GROUP, topics = Topics.LINEAGE_WORK,
            containerFactory = "lineageWorkListenerFactory")
    void onLinks(List<ConsumerRecord<String, LinkBatch>> records) {
        consumer.persistPoll(records);
    }
}
