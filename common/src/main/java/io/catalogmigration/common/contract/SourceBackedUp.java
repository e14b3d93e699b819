package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A backup of the source server exists, and this is where.
 *
 * @param source       the server backed up (no secret)
 * @param method       {@code pg_basebackup} (taken by the replicator) or {@code command} (the operator's hook)
 * @param location     where the backup is: a directory for pg_basebackup, what the hook printed otherwise
 * @param bytes        its size on disk, when known (0 otherwise)
 * @param verified     true when it was checked after it was taken (pg_verifybackup against its manifest)
 * @param verification what the check said, or why there was none
 * @param notes        anything else worth reading (e.g. the free space left)
 */
public record SourceBackedUp(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String source, String method,
                             String location, long bytes, boolean verified, String verification, List<String> notes)
        implements OutcomeEvent {

    public static final String PG_BASEBACKUP = "pg_basebackup";
    public static final String COMMAND = "command";

    public SourceBackedUp {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }
}
