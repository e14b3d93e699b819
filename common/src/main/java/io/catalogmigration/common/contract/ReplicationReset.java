package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The target was reset: what was found and dropped (false: there was nothing to drop). */
public record ReplicationReset(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String database,
                               boolean subscriptionDropped, boolean slotDropped, boolean publicationDropped,
                               boolean databaseDropped, List<String> notes) implements OutcomeEvent {
}
