package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Check, without changing anything, that the target can take over: replication caught up (STOP_WAITING), the deferred
 * indexes and constraints built, the lag small, every table's row count matching, the switcher and hooks usable.
 * Answered by {@link PreflightPassed} or {@link CutoverFailed} listing each check.
 *
 * @param fallback the login the source will replicate back with after the switch, as in {@link StartCutover#fallback()};
 *                 null: the target's administrator
 */
public record RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases, PgEndpoint fallback) implements CutoverCommand {

    public RunPreflight {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }

    /** Replicating back as the target's administrator. */
    public RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases) {
        this(commandId, migrationId, issuedAt, source, target, databases, null);
    }

    /** The login the source replicates back with: {@link #fallback()}, else the target's administrator. */
    public PgEndpoint fallbackLogin() {
        return fallback != null ? fallback : target;
    }
}
