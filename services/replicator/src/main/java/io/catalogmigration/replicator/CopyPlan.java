package io.catalogmigration.replicator;

import java.util.UUID;

/**
 * What a snapshot copy's workers need besides their chunks, kept as the copy run's plan in the ledger: the snapshot the
 * slot exported (its name is no secret: only a session on the source may import it, while the slot's connection
 * lasts), the database, and the StartReplication run that progress is reported under.
 */
record CopyPlan(String snapshot, String database, UUID startRun, int chunks) {
}
