package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The application's settings point at the source again and the source is writable. */
public record CutoverRolledBack(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                                String switcher, List<String> notes) implements OutcomeEvent {
}
