package io.catalogmigration.lineage;

/** One distinct V2 link; the temp flags say whether the source marks each end as a temporary object. */
record Link(long source, String sourceOtype, long target, String targetOtype, boolean sourceTemp, boolean targetTemp) {
}
