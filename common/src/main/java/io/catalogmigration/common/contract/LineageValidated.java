package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Both counts, and whether they are equal (the runbook's completeness check). */
public record LineageValidated(UUID eventId, String migrationId, Instant occurredAt, UUID runId, long sourceLinks,
                               long edges, boolean equal) implements OutcomeEvent {
}
