package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * How far one step of one run has come.
 *
 * @param service     the reporting service, e.g. {@code prune}
 * @param runId       the run (the id of the command that started it)
 * @param phase       what the run is doing now, e.g. {@code pre-validation}, {@code deleting}
 * @param unit        what {@code done} and {@code total} count, e.g. {@code rows}
 * @param ratePerSecond units per second since the run started
 * @param etaSeconds  seconds left at that rate; null when unknown
 */
public record ProgressReported(
        UUID eventId,
        String migrationId,
        Instant occurredAt,
        String service,
        UUID runId,
        String phase,
        long done,
        long total,
        String unit,
        double ratePerSecond,
        Long etaSeconds,
        String message) implements ProgressEvent {
}
