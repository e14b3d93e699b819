package io.catalogmigration.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the key span of a table's rows past retention into equal-width ranges, as many as there are
 * {@code batchSize}-row batches to delete. Width comes from the pre-validation counts, so planning reads nothing
 * more; with uneven keys a range holds more or fewer rows, but each stays one short transaction.
 */
final class KeyRanges {

    static List<DeleteRange> split(TablePlan table, int batchSize) {
        if (table.pastRetentionBefore() == 0) {
            return List.of();
        }
        long ranges = Math.max(1, (table.pastRetentionBefore() + batchSize - 1) / batchSize);
        long span = table.maxKey() - table.minKey() + 1;
        long width = Math.max(1, (span + ranges - 1) / ranges);
        List<DeleteRange> result = new ArrayList<>();
        for (long from = table.minKey() - 1; from < table.maxKey(); from += width) {
            long to = Math.min(table.maxKey(), from + width);
            result.add(new DeleteRange(table.table(), table.keyColumn(), table.timestampColumn(), table.cutoff(), from, to,
                    table.guards()));
        }
        return result;
    }

    private KeyRanges() {
    }
}
