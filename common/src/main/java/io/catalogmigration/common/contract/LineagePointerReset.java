package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** The pointer of {@code jobName} was set to 0; {@code pointer} is the value read back afterwards. */
public record LineagePointerReset(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String jobName,
                                  long pointer) implements OutcomeEvent {
}
