package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.KeySpreader;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One message on the replicator's work topic: which batch ({@code seq}) of which run to carry out, a batch of chunks
 * of a snapshot copy or of an online verification, told apart by the run's kind in the ledger. It carries ids only;
 * the endpoints, the snapshot and the chunks are read from the ledger, so a forged message can name nothing else.
 */
record ReplicateWork(UUID runId, int seq) {

    /**
     * Publishes the run's batches never sent (all of them, or those a crash between planning and publishing left),
     * spread over {@code partitions}, recording each as published once the broker has them all.
     */
    static void publishPending(RunLedger ledger, MessagePublisher publisher, UUID runId, int partitions) {
        var batches = ledger.batches(runId, 0, Batch.PLANNED);
        CompletableFuture.allOf(batches.stream().map(batch -> publisher.sendAsync(Topics.REPLICATE_WORK,
                KeySpreader.key(runId.toString(), batch.seq(), partitions), new ReplicateWork(runId, batch.seq())))
                .toArray(CompletableFuture[]::new)).join();
        batches.forEach(b -> ledger.markPublished(runId, b.seq()));
    }
}
