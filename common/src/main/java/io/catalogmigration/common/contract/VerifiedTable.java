package io.catalogmigration.common.contract;

/**
 * One table compared with writes stopped.
 *
 * @param hashed true when an ordered hash of every row was compared too (tables under the configured size)
 */
public record VerifiedTable(String database, String table, long sourceRows, long targetRows, boolean hashed,
                            boolean equal) {
}
