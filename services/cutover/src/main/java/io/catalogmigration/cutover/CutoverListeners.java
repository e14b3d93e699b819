package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.Topics;
import org.springframework.kafka.annotation.KafkaListener;

/** Adapter only: unwrap the message, call the application. */
class CutoverListeners {

    private final CutoverHandler handler;

    CutoverListeners(CutoverHandler handler) {
        this.handler = handler;
    }

    @KafkaListener(id = "cutover", groupId = "cutover", topics = Topics.CUTOVER_COMMAND,
            containerFactory = "cutoverCommandListenerFactory")
    void onCommand(CutoverCommand command) {
        handler.handle(command);
    }
}
