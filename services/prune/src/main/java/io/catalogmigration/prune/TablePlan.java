package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PrunedTable;

import java.time.Instant;
import java.util.List;

/**
 * What pre-validation found for one table, and how it will be pruned.
 *
 * @param minKey smallest key among the rows past retention (with {@code maxKey}, the span the key ranges cover)
 * @param level  deletion phase: tables that reference others are deleted in earlier phases than those they reference
 * @param guards foreign keys into this table from other pruned tables; rows still referenced are kept
 */
record TablePlan(String group, String table, String keyColumn, String timestampColumn, Instant cutoff,
                 PrunedTable.Status status, long rowsBefore, long pastRetentionBefore, long minKey, long maxKey, int level,
                 List<Guard> guards, String note) {

    static TablePlan skipped(String group, String table, Instant cutoff, String note) {
        return new TablePlan(group, table, null, null, cutoff, PrunedTable.Status.SKIPPED, 0, 0, 0, 0, 0, List.of(), note);
    }

    boolean prunable() {
        return status != PrunedTable.Status.SKIPPED && pastRetentionBefore > 0;
    }

    TablePlan withLevel(int newLevel, List<Guard> newGuards) {
        return new TablePlan(group, table, keyColumn, timestampColumn, cutoff, status, rowsBefore, pastRetentionBefore,
                minKey, maxKey, newLevel, newGuards, note);
    }
}
