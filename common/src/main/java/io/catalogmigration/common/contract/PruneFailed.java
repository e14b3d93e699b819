package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A prune run failed.
 *
 * @param reason what went wrong, in an operator's words
 * @param action what to do about it
 * @param tables per-table figures gathered before the failure, if any
 */
public record PruneFailed(
        UUID eventId,
        String migrationId,
        Instant occurredAt,
        UUID runId,
        String database,
        String reason,
        String action,
        List<PrunedTable> tables) implements OutcomeEvent {
}
