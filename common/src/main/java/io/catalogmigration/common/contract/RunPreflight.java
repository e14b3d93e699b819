package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Check, without changing anything, that the target can take over: replication caught up (STOP_WAITING), the deferred
 * indexes and constraints built, the lag small, every row verified, every other object of the source there (or
 * accepted to be left behind), the application able to log in and read, the switcher and hooks usable.
 * Answered by {@link PreflightPassed} or {@link CutoverFailed} listing each check.
 *
 * @param applicationUser        the role the cutover will switch the application to (null: its login is not tried)
 * @param applicationPasswordRef that role's secret reference, as StartCutover will write it
 * @param acceptedLosses         objects the operator accepts to leave behind, each as the inventory names it
 *                               ({@code foreign table public.import_log}); anything else the target lacks fails
 */
public record RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases, String applicationUser, String applicationPasswordRef,
                           List<String> acceptedLosses) implements CutoverCommand {

    public RunPreflight {
        databases = databases == null ? List.of() : List.copyOf(databases);
        acceptedLosses = acceptedLosses == null ? List.of() : List.copyOf(acceptedLosses);
    }

    /** Without the application's login and with no loss accepted. */
    public RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases) {
        this(commandId, migrationId, issuedAt, source, target, databases, null, null, List.of());
    }
}
