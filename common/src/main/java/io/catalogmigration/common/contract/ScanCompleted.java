package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A scan ran over every planned table. Finding corruption is a completed scan; the tables say where.
 *
 * @param tablesScanned  tables scanned over all databases
 * @param failedTables   {@code database/schema.table} of every table with corrupted rows
 * @param corruptedRows  corrupted rows found
 * @param deletedRows    rows REPAIR deleted
 */
public record ScanCompleted(
        UUID eventId,
        String migrationId,
        Instant occurredAt,
        UUID runId,
        ScanMode mode,
        int tablesScanned,
        List<String> failedTables,
        long corruptedRows,
        long deletedRows,
        long bytesScanned,
        long elapsedMillis,
        List<ScannedDatabase> databases) implements OutcomeEvent {
}
