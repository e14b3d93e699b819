package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Check, without changing anything, that the target can take over: replication caught up (STOP_WAITING), the deferred
 * indexes and constraints built, the lag small, every row verified, every other object of the source there (or
 * accepted to be left behind), the application able to log in and read, the fallback login usable, the switcher and
 * hooks usable. Answered by {@link PreflightPassed} or {@link CutoverFailed} listing each check.
 *
 * @param applicationUser        the role the cutover will switch the application to (null: its login is not tried)
 * @param applicationPasswordRef that role's secret reference, as StartCutover will write it
 * @param acceptedLosses         objects the operator accepts to leave behind, each as the inventory names it
 *                               ({@code foreign table public.import_log}); anything else the target lacks fails
 * @param fallback               the login the source will replicate back with after the switch, as in
 *                               {@link StartCutover#fallback()}; null: the target's administrator
 */
public record RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases, String applicationUser, String applicationPasswordRef,
                           List<String> acceptedLosses, PgEndpoint fallback) implements CutoverCommand {

    public RunPreflight {
        databases = databases == null ? List.of() : List.copyOf(databases);
        acceptedLosses = acceptedLosses == null ? List.of() : List.copyOf(acceptedLosses);
    }

    /** Without the application's login, with no loss accepted, replicating back as the target's administrator. */
    public RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases) {
        this(commandId, migrationId, issuedAt, source, target, databases, null, null, List.of(), null);
    }

    /** Without the application's login and with no loss accepted. */
    public RunPreflight(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases, PgEndpoint fallback) {
        this(commandId, migrationId, issuedAt, source, target, databases, null, null, List.of(), fallback);
    }

    /** The login the source replicates back with: {@link #fallback()}, else the target's administrator. */
    public PgEndpoint fallbackLogin() {
        return fallback != null ? fallback : target;
    }
}
