package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.logging.RunScoped;

import java.util.List;
import java.util.UUID;

/**
 * One batch of a run as the planner recorded it in the ledger: at most 100 items of one database. Only its ids
 * travel on the work topic ({@link ScanWork}); the worker reads this from the ledger.
 *
 * @param method        AMCHECK or READ_ROWS, chosen for this database when the run was planned
 * @param amcheckSchema the schema amcheck is installed in (AMCHECK only)
 * @param tablesInRun   tables over all databases, for progress in tables
 */
record ScanWorkBatch(UUID runId, String migrationId, int seq, PgEndpoint database, ScanMethod method, String amcheckSchema,
                     ScanMode mode, int tablesInRun, List<ScanItem> items)
        implements RunScoped {
}
