package io.catalogmigration.common.ledger;

import java.util.UUID;

/** One work message of a run; {@code payload} is its JSON, kept so it can be published again after a crash. */
public record Batch(UUID runId, int seq, int phase, String state, int items, long done, String payload) {

    public static final String PLANNED = "PLANNED";
    public static final String PUBLISHED = "PUBLISHED";
    public static final String DONE = "DONE";

    public boolean isDone() {
        return DONE.equals(state);
    }
}
