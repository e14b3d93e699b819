package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Both counts, and whether source and graph are equal as sets (links and edges, endpoints and nodes), not only by count. */
public record LineageValidated(UUID eventId, String migrationId, Instant occurredAt, UUID runId, long sourceLinks,
                               long edges, boolean equal) implements OutcomeEvent {
}
