package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
record ReplicateListeners(ReplicateHandler handler, ReplicateWorkHandler worker) {

    /** Started by the active instance only (see ActiveInstance): one instance at a time takes commands. */
    static final String COMMANDS = "replicator";

    @KafkaListener(id = "replicator-work", groupId = "replicator-work", topics = Topics.REPLICATE_WORK,
            containerFactory = "replicateWorkListenerFactory")
    void onWork(ReplicateWork work) {
        worker.handle(work);
    }

    @KafkaListener(id = COMMANDS, groupId = "replicator", topics = Topics.REPLICATE_COMMAND,
            containerFactory = "replicateCommandListenerFactory", autoStartup = "false")
    void onCommand(ReplicateCommand command) {
        handler.handle(command);
    }
}
