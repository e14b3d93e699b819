package io.catalogmigration.scan;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.KeySpreader;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Publishes a run's planned work messages, recording each as published once the broker has it. */
record ScanDispatcher(ScanProperties settings, RunLedger ledger, MessagePublisher publisher, ScanFinisher finisher) {

    private static final Logger log = LoggerFactory.getLogger(ScanDispatcher.class);

    /**
     * Moves a run on from wherever the ledger says it is: publishes the work never sent, or reports when every
     * message is done. Safe to call again at any time, so a crash between two steps is mended by the next
     * redelivery or restart.
     */
    void advance(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        if (run.finished()) {
            return;
        }
        if (ScanFinisher.REPORTING.equals(run.stage())) {
            finisher.report(run);
            return;
        }
        if (ledger.lowestOpenPhase(runId).isEmpty()) {
            finisher.finish(runId);
            return;
        }
        publish(runId);
    }

    private void publish(UUID runId) {
        var batches = ledger.batches(runId, 0, Batch.PLANNED);
        var sent = new ArrayList<CompletableFuture<?>>();
        for (Batch batch : batches) {
            var recorded = MessageJson.mapper().readValue(batch.payload(), ScanWorkBatch.class);
            var work = new ScanWork(runId, recorded.migrationId(), batch.seq());
            sent.add(publisher.sendAsync(Topics.SCAN_WORK, KeySpreader.key(runId.toString(), batch.seq(), settings.workPartitions()), work));
        }
        // Recorded as published only once the broker has them all; a crash before that publishes them again (harmless).
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        batches.forEach(b -> ledger.markPublished(runId, b.seq()));
        if (!batches.isEmpty()) {
            log.info("Scan run {}: published {} work messages to {}", runId, batches.size(), Topics.SCAN_WORK);
        }
    }
}
