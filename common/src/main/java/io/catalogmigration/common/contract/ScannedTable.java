package io.catalogmigration.common.contract;

import java.util.List;

/**
 * What the scan found in one table.
 *
 * @param bytes     heap plus TOAST (pg_table_size) when planned
 * @param corrupted rows found corrupted
 * @param deleted   rows deleted by REPAIR (always a subset of {@code corrupted})
 */
public record ScannedTable(String table, String toastTable, long bytes, Status status, List<CorruptRow> corrupted,
                           List<CorruptRow> deleted) {

    public enum Status {
        /** No corruption found. */
        CLEAN,
        /** Corrupted rows found (REPORT), or found and not all deleted (REPAIR). */
        CORRUPTED,
        /** REPAIR: every corrupted row was deleted. */
        REPAIRED
    }
}
