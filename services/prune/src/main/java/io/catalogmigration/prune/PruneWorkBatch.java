package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.logging.RunScoped;

import java.util.List;
import java.util.UUID;

/**
 * One batch of a run as the planner recorded it in the ledger: at most 100 key ranges of one phase. Only its ids
 * travel on the work topic ({@link PruneWork}); the worker reads this from the ledger.
 */
record PruneWorkBatch(UUID runId, String migrationId, int seq, int phase, PgEndpoint database, List<DeleteRange> ranges)
        implements RunScoped {
}
