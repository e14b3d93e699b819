package io.catalogmigration.replicator;

import java.util.UUID;

/**
 * One message on the replicator's work topic: which batch of chunks of which verification run to compare. It carries
 * ids only; the endpoints and the chunks are read from the ledger, so a forged message can name nothing else.
 */
record VerifyWork(UUID runId, int seq) {
}
