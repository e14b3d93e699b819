package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The application's settings point at the source again and the source is writable, with every write the application
 * made on the target since the switch.
 *
 * @param writeDowntimeMillis from the moment the target was fenced (just before the stop hook) to the moment the
 *                            application was started on the source again
 * @param phases              each step's duration, in order
 * @param targetLsn           the target's WAL position once its writers were fenced, which the source had applied
 *                            before the switch back; null when no fallback replication ran (its writes stay on the
 *                            target only, a note says so)
 * @param sequencesCopied     sequences set on the source from the target's values
 */
public record CutoverRolledBack(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                                long writeDowntimeMillis, List<CutoverPhase> phases, String targetLsn, int sequencesCopied,
                                String switcher, List<String> notes) implements OutcomeEvent {
}
