package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The replication from the target back to the source, as {@link CheckFallback} found it.
 *
 * @param stage    the migration's cutover stage (COMPLETED while the fallback runs)
 * @param fallback one entry per database
 */
public record FallbackReported(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String stage,
                               List<FallbackReplication> fallback, List<String> notes) implements OutcomeEvent {
}
