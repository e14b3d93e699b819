package io.catalogmigration.replicator;

import io.catalogmigration.common.verify.Relation;

import java.util.List;

/**
 * One range of one table to compare, as planned from the source's catalog and a sample of its keys.
 *
 * @param lo    first key of the range (inclusive), null: from the start
 * @param hi    first key after the range, null: to the end
 * @param bytes the share of the table's size the range stands for
 */
record VerifyChunk(Relation table, int seq, List<String> lo, List<String> hi, long bytes) {
}
