package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.logging.RunScoped;

import java.util.List;
import java.util.UUID;

/** One message on the prune work topic: at most 100 key ranges of one phase of one run. */
record PruneWorkBatch(UUID runId, String migrationId, int seq, int phase, PgEndpoint database, List<DeleteRange> ranges)
        implements RunScoped {
}
