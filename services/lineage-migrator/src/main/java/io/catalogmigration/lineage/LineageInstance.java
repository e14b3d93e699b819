package io.catalogmigration.lineage;

/** This service instance's name: the owner of the leases it takes and the consumer named on the messages it persists. */
record LineageInstance(String id) {
}
