package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A replicate command could not be carried out.
 *
 * @param command  the command's type, e.g. StartReplication
 * @param database the database concerned (no secret)
 * @param reason   what went wrong, in an operator's words
 * @param action   what to do about it
 */
public record ReplicationFailed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String command,
                                String database, String reason, String action) implements OutcomeEvent {
}
