package io.catalogmigration.prune;

import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
record PruneListeners(PrunePlanner planner, PruneWorker worker, PruneCancel stop) {

    @KafkaListener(id = "prune-planner", groupId = "prune-planner", topics = Topics.PRUNE_COMMAND,
            containerFactory = "pruneCommandListenerFactory")
    void onCommand(PruneCommand command) {
        if (command instanceof StartPrune start) {
            planner.start(start);
        } else if (command instanceof CancelPrune cancel) {
            stop.cancel(cancel);
        }
    }

    @KafkaListener(id = "prune-workers", groupId = "prune-workers", topics = Topics.PRUNE_WORK,
            containerFactory = "pruneWorkListenerFactory")
    void onWork(PruneWork work) {
        worker.handle(work);
    }
}
