package io.catalogmigration.common.contract;

import java.time.Instant;

/**
 * Pre- and post-validation figures of one table.
 *
 * @param pastRetentionBefore rows older than the cutoff when the run was planned (what PURGE should delete)
 * @param deleted             rows older than the cutoff that are gone after the run
 * @param pastRetentionAfter  rows older than the cutoff still there after the run
 */
public record PrunedTable(
        String group,
        String table,
        Instant cutoff,
        Status status,
        long rowsBefore,
        long pastRetentionBefore,
        long deleted,
        long rowsAfter,
        long pastRetentionAfter,
        String note) {

    public enum Status {
        /** Rows past retention were deleted. */
        PRUNED,
        /** DRY_RUN: this many rows would be deleted. */
        WOULD_DELETE,
        /** Close to nothing past retention: nothing to do, not an error. */
        NOTHING_TO_DELETE,
        /** The table does not exist in this database (or cannot be pruned); see the note. */
        SKIPPED
    }
}
