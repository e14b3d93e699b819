package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The first snapshot of the target exists and is complete.
 *
 * @param provider           {@code aws} or {@code local}
 * @param snapshotIdentifier aws: the DB snapshot identifier ({@code available}); local: the dump directory's name
 * @param snapshotArn        aws: the snapshot's ARN; null for local
 * @param location           local: the directory holding one {@code pg_dump -Fc} file per database; null for aws
 * @param notes              e.g. a snapshot adopted from an earlier attempt of the same command
 */
public record TargetSnapshotTaken(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String provider,
                                  String snapshotIdentifier, String snapshotArn, String location, List<String> notes)
        implements OutcomeEvent {

    public TargetSnapshotTaken {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }
}
