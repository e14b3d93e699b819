package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
record ScanListeners(ScanCommands commands, ScanWorker worker) {

    @KafkaListener(id = "scan-planner", groupId = "scan-planner", topics = Topics.SCAN_COMMAND,
            containerFactory = "scanCommandListenerFactory")
    void onCommand(ScanCommand command) {
        commands.handle(command);
    }

    @KafkaListener(id = "scan-workers", groupId = "scan-workers", topics = Topics.SCAN_WORK,
            containerFactory = "scanWorkListenerFactory")
    void onWork(ScanWork work) {
        worker.handle(work);
    }
}
