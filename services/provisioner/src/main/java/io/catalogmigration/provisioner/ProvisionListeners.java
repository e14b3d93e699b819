package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
class ProvisionListeners {

    private final ProvisionRuns runs;

    ProvisionListeners(ProvisionRuns runs) {
        this.runs = runs;
    }

    @KafkaListener(id = "provisioner", groupId = "provisioner", topics = Topics.PROVISION_COMMAND,
            containerFactory = "provisionCommandListenerFactory")
    void onCommand(ProvisionCommand command) {
        runs.start(command);
    }
}
