package io.catalogmigration.common.contract;

import java.util.Map;

/**
 * One row that could not be read (or that amcheck reported).
 *
 * @param table schema-qualified table
 * @param ctid  where the row is, e.g. {@code (56,70)}
 * @param error what PostgreSQL said about it
 * @param key   primary-key column to value (as text), or null when the key cannot be read or the table has none
 */
public record CorruptRow(String table, String ctid, String error, Map<String, String> key) {
}
