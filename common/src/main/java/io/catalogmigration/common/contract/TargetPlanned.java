package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** The outcome of {@link PlanTarget}: the plan, nothing created. */
public record TargetPlanned(UUID eventId, String migrationId, Instant occurredAt, UUID runId, TargetPlan plan)
        implements OutcomeEvent {
}
