package io.catalogmigration.replicator;

import java.util.UUID;

/**
 * One message on the replicator's work topic: which batch ({@code seq}) of which run to carry out, a batch of chunks
 * of a snapshot copy, of index builds or of an online verification, told apart by the run's kind in the ledger. It
 * carries ids only; the endpoints, the snapshot, the statements and the chunks are read from the ledger, so a forged
 * message can name nothing else.
 */
record ReplicateWork(UUID runId, int seq) {
}
