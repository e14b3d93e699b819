package io.catalogmigration.common.contract;

/** How long one step of the cutover took, e.g. WAIT_FOR_TARGET 120 ms. */
public record CutoverPhase(String phase, long millis) {
}
