package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The target was reset: what was found and dropped (false: there was nothing to drop).
 *
 * @param rolesDropped roles the replicator had created for this migration, dropped now that nothing depends on them
 * @param rolesKept    roles it had created and kept, each with why ("alation: still owns objects in lineage")
 * @param notes        what else was undone or found, e.g. the grants revoked and replica identities set back on the source
 */
public record ReplicationReset(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String database,
                               boolean subscriptionDropped, boolean slotDropped, boolean publicationDropped,
                               boolean databaseDropped, List<String> rolesDropped, List<String> rolesKept,
                               List<String> notes) implements OutcomeEvent {

    public ReplicationReset {
        rolesDropped = rolesDropped == null ? List.of() : List.copyOf(rolesDropped);
        rolesKept = rolesKept == null ? List.of() : List.copyOf(rolesKept);
    }
}
