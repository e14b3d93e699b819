package io.catalogmigration.scan;

import io.catalogmigration.common.logging.RunScoped;

import java.util.UUID;

/**
 * One message on the scan work topic: which batch of which run to check, and nothing more. What to check and how
 * (the database, the tables, the method, the mode: REPAIR deletes rows) is read from the run's batch in the ledger
 * by {@code (runId, seq)}, so whoever can write to the work topic cannot name a database, a table or a mode.
 */
record ScanWork(UUID runId, String migrationId, int seq) implements RunScoped {
}
