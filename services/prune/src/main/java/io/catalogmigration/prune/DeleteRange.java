package io.catalogmigration.prune;

import java.time.Instant;
import java.util.List;

/**
 * Rows of {@code table} with {@code fromExclusive < key <= toInclusive} and a time before {@code cutoff}: one short
 * transaction. The time predicate is repeated so rows written after planning are never touched.
 */
record DeleteRange(String table, String keyColumn, String timestampColumn, Instant cutoff,
                   long fromExclusive, long toInclusive, List<Guard> guards) {
}
