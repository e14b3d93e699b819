package io.catalogmigration.lineage;

/**
 * What sizing found, recorded before the first link moves.
 *
 * @param sourceLinks  the planner's estimate of the link table's rows at sizing (the exact count of distinct links
 *                     is the run's planned total once publishing starts)
 * @param startOrdinal the pointer when the run started: links before it were migrated by an earlier run
 */
record LineagePlan(long sourceBytes, long sourceLinks, long startOrdinal, int linksPerMessage) {
}
