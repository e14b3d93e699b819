package io.catalogmigration.testkit.architecture.sample.good;

import org.springframework.kafka.annotation.KafkaListener;

/** An adapter as the rule wants it: unwraps the message, calls the service. */
class GoodListeners {

    private final GoodWorker worker;

    GoodListeners(GoodWorker worker) {
        this.worker = worker;
    }

    @KafkaListener(topics = "good")
    void onMessage(String message) {
        worker.work();
    }
}
