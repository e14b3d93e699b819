package io.catalogmigration.common.logging;

import java.util.UUID;

/**
 * A work message that belongs to one run, so the listener that handles it logs with that run's ids
 * ({@link RunContext}). Commands need not implement it: a command's run is the command's own id.
 */
public interface RunScoped {

    UUID runId();

    /** Null when the message does not carry it (the key then says nothing of it either). */
    default String migrationId() {
        return null;
    }
}
