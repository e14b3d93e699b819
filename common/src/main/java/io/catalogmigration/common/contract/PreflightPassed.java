package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Every preflight check passed (warnings are listed with the rest). */
public record PreflightPassed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<CutoverCheck> checks)
        implements OutcomeEvent {
}
