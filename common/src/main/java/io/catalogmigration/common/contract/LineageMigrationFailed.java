package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A lineage command failed; V2 stays in force.
 *
 * @param sourceLinks distinct links in the source, when they were counted
 * @param edges       lineage edges in the target, when they were counted
 */
public record LineageMigrationFailed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String reason,
                                     String action, Long sourceLinks, Long edges) implements OutcomeEvent {
}
