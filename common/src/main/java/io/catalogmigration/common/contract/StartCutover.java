package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Switch the application to the target: stop writes, wait until the target has applied everything, copy the
 * sequences, verify table by table, drop the subscriptions, switch the connection settings and start the application.
 * Any failed check before the switch releases the source and changes nothing else.
 *
 * @param applicationUser        the role the application logs in as on the target
 * @param applicationPasswordRef secret reference of that role's password: the switcher writes the reference, never
 *                               the password
 * @param applicationSslmode     sslmode the application uses on the target (null: the target endpoint's)
 * @param confirm                must repeat the migrationId: this command stops the application's writes
 * @param maxWriteDowntimeSeconds the hard limit on the window for this cutover (null: the service's
 *                               cutover.max-write-downtime, 30 s by default): reached before the switch, the cutover
 *                               aborts by itself and releases the source
 * @param fallback               how the source server reaches the target to replicate the application's writes back
 *                               after the switch: host, port, the replication login on the target (created there if
 *                               missing, allowed to replicate: rds_replication on RDS), sslmode and the secret
 *                               reference of its password; the database is each replicated one. Null: the
 *                               {@code target} endpoint, i.e. its administrator (on RDS the master user, a member of
 *                               rds_replication)
 * @param acceptedLosses         objects the operator accepts to leave behind, each as the inventory names it
 *                               ({@code foreign table public.import_log}); the cutover refuses to start while the
 *                               target lacks anything else the source has
 */
public record StartCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases, String applicationUser, String applicationPasswordRef,
                           String applicationSslmode, String confirm, Integer maxWriteDowntimeSeconds,
                           PgEndpoint fallback, List<String> acceptedLosses)
        implements CutoverCommand {

    public StartCutover {
        databases = databases == null ? List.of() : List.copyOf(databases);
        acceptedLosses = acceptedLosses == null ? List.of() : List.copyOf(acceptedLosses);
    }

    /** With no loss accepted. */
    public StartCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases, String applicationUser, String applicationPasswordRef,
                        String applicationSslmode, String confirm, Integer maxWriteDowntimeSeconds, PgEndpoint fallback) {
        this(commandId, migrationId, issuedAt, source, target, databases, applicationUser, applicationPasswordRef,
                applicationSslmode, confirm, maxWriteDowntimeSeconds, fallback, List.of());
    }

    /** With the service's limit on the window, replicating back as the target's administrator. */
    public StartCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases, String applicationUser, String applicationPasswordRef,
                        String applicationSslmode, String confirm) {
        this(commandId, migrationId, issuedAt, source, target, databases, applicationUser, applicationPasswordRef,
                applicationSslmode, confirm, null, null, List.of());
    }

    /** Replicating back as the target's administrator. */
    public StartCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                        List<String> databases, String applicationUser, String applicationPasswordRef,
                        String applicationSslmode, String confirm, Integer maxWriteDowntimeSeconds) {
        this(commandId, migrationId, issuedAt, source, target, databases, applicationUser, applicationPasswordRef,
                applicationSslmode, confirm, maxWriteDowntimeSeconds, null, List.of());
    }

    /** The login the source replicates back with: {@link #fallback()}, else the target's administrator. */
    public PgEndpoint fallbackLogin() {
        return fallback != null ? fallback : target;
    }
}
