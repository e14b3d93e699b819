package io.catalogmigration.lineage;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The runbook's two jobs of a migration run, kept as runs of their own in the ledger so their state, status,
 * timestamps, state message and persisting messages read like the runbook's job records.
 */
final class Jobs {

    static final String RUN_KIND = "lineage";
    /** Job type 33: the links migration. */
    static final String LINKS = "lineage-links-33";
    /** Job type 34: the link-nodes migration, a subprocess of the links job. */
    static final String LINK_NODES = "lineage-link-nodes-34";

    static UUID links(UUID runId) {
        return UUID.nameUUIDFromBytes(("links/" + runId).getBytes(StandardCharsets.UTF_8));
    }

    static UUID linkNodes(UUID runId) {
        return UUID.nameUUIDFromBytes(("link-nodes/" + runId).getBytes(StandardCharsets.UTF_8));
    }

    private Jobs() {
    }
}
