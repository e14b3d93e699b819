package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapter only: unwrap the message, call the application. */
class ReplicateListeners {

    private final ReplicateHandler handler;

    ReplicateListeners(ReplicateHandler handler) {
        this.handler = handler;
    }

    @KafkaListener(id = "replicator", groupId = "replicator", topics = Topics.REPLICATE_COMMAND,
            containerFactory = "replicateCommandListenerFactory")
    void onCommand(ReplicateCommand command) {
        handler.handle(command);
    }
}
