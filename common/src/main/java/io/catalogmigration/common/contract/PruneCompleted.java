package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A prune run ended within tolerance (or a dry run reported what it would delete). */
public record PruneCompleted(
        UUID eventId,
        String migrationId,
        Instant occurredAt,
        UUID runId,
        String database,
        PruneMode mode,
        long rowsDeleted,
        long elapsedMillis,
        List<PrunedTable> tables,
        List<String> notes) implements OutcomeEvent {
}
