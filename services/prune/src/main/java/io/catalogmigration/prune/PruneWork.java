package io.catalogmigration.prune;

import io.catalogmigration.common.logging.RunScoped;

import java.util.UUID;

/**
 * One message on the prune work topic: which batch of which run to delete, and nothing more. What to delete (the
 * database, the tables, the key ranges) is read from the run's batch in the ledger by {@code (runId, seq)}, so
 * whoever can write to the work topic can only ask for work the planner already recorded, never name a database or
 * a range of their own.
 */
record PruneWork(UUID runId, String migrationId, int seq) implements RunScoped {
}
