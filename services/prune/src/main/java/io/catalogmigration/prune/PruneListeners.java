package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
record PruneListeners(PruneCommands commands, PruneWorker worker) {

    @KafkaListener(id = "prune-planner", groupId = "prune-planner", topics = Topics.PRUNE_COMMAND,
            containerFactory = "pruneCommandListenerFactory")
    void onCommand(PruneCommand command) {
        commands.handle(command);
    }

    @KafkaListener(id = "prune-workers", groupId = "prune-workers", topics = Topics.PRUNE_WORK,
            containerFactory = "pruneWorkListenerFactory")
    void onWork(PruneWork work) {
        worker.handle(work);
    }
}
