package io.catalogmigration.common.contract;

/**
 * How one table was verified: online, while replication ran, then in the downtime window for the rows changed since.
 *
 * @param method               "key ranges" (chunks of the key, rows looked up by key) or "whole table (no key)" (the
 *                             rows compared as a multiset of row hashes)
 * @param rowsVerifiedOnline   rows compared while replication ran (the online pass and the delta passes after it)
 * @param rowsVerifiedInWindow rows re-checked with writes stopped: those changed since their last online check
 * @param equal                false when a row differs (the cutover then stops and names it)
 */
public record VerifiedTable(String database, String table, String method, long rowsVerifiedOnline,
                            long rowsVerifiedInWindow, boolean equal) {
}
