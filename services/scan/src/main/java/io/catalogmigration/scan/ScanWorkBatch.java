package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.logging.RunScoped;

import java.util.List;
import java.util.UUID;

/**
 * One message on the scan work topic: at most 100 items of one database of one run.
 *
 * @param method        AMCHECK or READ_ROWS, chosen for this database when the run was planned
 * @param amcheckSchema the schema amcheck is installed in (AMCHECK only)
 * @param tablesInRun   tables over all databases, for progress in tables
 */
record ScanWorkBatch(UUID runId, String migrationId, int seq, PgEndpoint database, ScanMethod method, String amcheckSchema,
                     ScanMode mode, int tablesInRun, List<ScanItem> items)
        implements RunScoped {
}
