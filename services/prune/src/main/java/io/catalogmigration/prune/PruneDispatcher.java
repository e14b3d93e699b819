package io.catalogmigration.prune;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/** Publishes a phase's planned batches to the work topic, recording each one as published once the broker has it. */
record PruneDispatcher(RunLedger ledger, MessagePublisher publisher, PruneFinisher finisher) {

    private static final Logger log = LoggerFactory.getLogger(PruneDispatcher.class);

    /**
     * Moves a run on from wherever the ledger says it is: publishes the lowest phase that still has open batches
     * (only those never sent), or validates and finishes when none is left. Safe to call again at any time, so a
     * crash between two of these steps is mended by the next redelivery or restart.
     */
    void advance(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        if (run.finished()) {
            return;
        }
        if ("VALIDATING".equals(run.stage())) {
            finisher.validate(run);
            return;
        }
        var open = ledger.lowestOpenPhase(runId);
        if (open.isEmpty()) {
            finisher.finish(runId);
            return;
        }
        if (open.get() != run.phase()) {
            ledger.enterPhase(runId, open.get());
        }
        publishPhase(runId, open.get());
    }

    int publishPhase(UUID runId, int phase) {
        var batches = ledger.batches(runId, phase, Batch.PLANNED);
        for (Batch batch : batches) {
            var recorded = MessageJson.mapper().readValue(batch.payload(), PruneWorkBatch.class);
            var work = new PruneWork(runId, recorded.migrationId(), batch.seq());
            // Keyed by batch, not by migration, so the batches of one run spread over every partition and worker.
            publisher.send(Topics.PRUNE_WORK, runId + "/" + batch.seq(), work);
            ledger.markPublished(runId, batch.seq());
        }
        if (!batches.isEmpty()) {
            log.info("Prune run {}: published {} work batches of phase {}", runId, batches.size(), phase);
        }
        return batches.size();
    }
}
