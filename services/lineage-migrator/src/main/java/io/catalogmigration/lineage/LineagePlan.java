package io.catalogmigration.lineage;

/**
 * What sizing found, recorded before the first link moves.
 *
 * @param startOrdinal the pointer when the run started: links before it were migrated by an earlier run
 */
record LineagePlan(long sourceBytes, long sourceLinks, long startOrdinal, int linksPerMessage) {
}
