package io.catalogmigration.common.ledger;

/** A resource and the unfinished run that holds it. */
public record Hold(String resource, Run run) {
}
