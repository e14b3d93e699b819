package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The application runs on the target.
 *
 * @param writeDowntimeMillis from the moment writes were stopped to the moment the application was started on the target
 * @param phases              each step's duration, in order
 * @param tables              every table compared with writes stopped
 * @param sequencesCopied     sequences set on the target from the source's values
 * @param copiedObjects       what logical replication does not carry, carried in the window: large objects,
 *                            materialized views (refreshed, compared with their query on the source), unlogged tables
 * @param switcher            where the connection settings were switched (a file, a command, SSM parameters)
 * @param fenceLsn            the source's WAL position once every writer was fenced: no write of the application lands
 *                            on the source after it, and the target applied everything up to it
 * @param fencedRoles         the roles kept from logging in to the source (and their sessions ended) for the window,
 *                            and after it while the fallback runs
 * @param fallback            the replication from the target back to the source, per database, with its lag
 * @param application         whether the application came up on the target (sessions there, none on the source)
 * @param notes               warnings first (an application that did not come up), then what stays as it was
 */
public record CutoverCompleted(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                               long writeDowntimeMillis, List<CutoverPhase> phases, List<VerifiedTable> tables,
                               int sequencesCopied, String switcher, String fenceLsn, List<String> fencedRoles,
                               List<FallbackReplication> fallback, ApplicationSessions application, List<String> notes,
                               List<CopiedObject> copiedObjects)
        implements OutcomeEvent {

    public CutoverCompleted {
        copiedObjects = copiedObjects == null ? List.of() : List.copyOf(copiedObjects);
    }

    /** Nothing but tables and sequences to carry. */
    public CutoverCompleted(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                            long writeDowntimeMillis, List<CutoverPhase> phases, List<VerifiedTable> tables,
                            int sequencesCopied, String switcher, String fenceLsn, List<String> fencedRoles,
                            List<FallbackReplication> fallback, ApplicationSessions application, List<String> notes) {
        this(eventId, migrationId, occurredAt, runId, databases, writeDowntimeMillis, phases, tables, sequencesCopied,
                switcher, fenceLsn, fencedRoles, fallback, application, notes, List.of());
    }
}
