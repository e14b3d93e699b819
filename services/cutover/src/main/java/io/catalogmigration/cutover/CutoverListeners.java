package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapter only: unwrap the message, call the application. */
record CutoverListeners(CutoverHandler handler) {

    /** Started by the active instance only (see ActiveInstance): one instance at a time takes commands. */
    static final String COMMANDS = "cutover";

    @KafkaListener(id = COMMANDS, groupId = "cutover", topics = Topics.CUTOVER_COMMAND,
            containerFactory = "cutoverCommandListenerFactory", autoStartup = "false")
    void onCommand(CutoverCommand command) {
        handler.handle(command);
    }
}
