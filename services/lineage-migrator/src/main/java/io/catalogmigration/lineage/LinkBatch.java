package io.catalogmigration.lineage;

import io.catalogmigration.common.logging.RunScoped;

import java.util.List;
import java.util.UUID;

/**
 * One message on the lineage work topic: at most 100 links, in the stable link order.
 *
 * @param firstOrdinal position of the first link in that order (the pointer counts links, not messages)
 */
record LinkBatch(UUID runId, String migrationId, int seq, long firstOrdinal, boolean lastBatch, List<Link> links)
        implements RunScoped {
}
