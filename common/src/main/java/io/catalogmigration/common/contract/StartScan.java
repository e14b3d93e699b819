package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Find corrupted rows (broken TOAST values included) in one or more databases, and in REPAIR mode delete exactly those.
 *
 * @param databases   the databases to scan, e.g. rosemeta and lineage of one server
 * @param mode        REPORT (default) or REPAIR
 * @param tables      schema-qualified tables to scan ({@code public.t}); empty means every user table
 * @param parallelism how many work messages the scan is spread over at least (null: the service default)
 * @param method      AUTO (default), AMCHECK or READ_ROWS
 */
public record StartScan(
        UUID commandId,
        String migrationId,
        Instant issuedAt,
        List<PgEndpoint> databases,
        ScanMode mode,
        List<String> tables,
        Integer parallelism,
        ScanMethod method) implements ScanCommand {

    public StartScan {
        databases = databases == null ? List.of() : List.copyOf(databases);
        tables = tables == null ? List.of() : List.copyOf(tables);
        mode = mode == null ? ScanMode.REPORT : mode;
        method = method == null ? ScanMethod.AUTO : method;
    }
}
