package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapters only: unwrap the message, call the application. */
record ProvisionListeners(ProvisionRuns runs) {

    /** Started by the active instance only (see ActiveInstance): one instance at a time takes commands. */
    static final String COMMANDS = "provisioner";

    @KafkaListener(id = COMMANDS, groupId = "provisioner", topics = Topics.PROVISION_COMMAND,
            containerFactory = "provisionCommandListenerFactory", autoStartup = "false")
    void onCommand(ProvisionCommand command) {
        runs.start(command);
    }
}
