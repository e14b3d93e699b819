package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Check, without changing anything, that the target can take over: replication caught up (STOP_WAITING), the deferred
 * indexes and constraints built, the lag small, every table's row count matching, the switcher and hooks usable.
 * Answered by {@link PreflightPassed} or {@link CutoverFailed} listing each check.
 */
public record RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases) implements CutoverCommand {

    public RunPreflight {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
