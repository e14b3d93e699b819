package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The application runs on the target.
 *
 * @param writeDowntimeMillis from the moment writes were stopped to the moment the application was started on the target
 * @param phases              each step's duration, in order
 * @param tables              every table compared with writes stopped
 * @param sequencesCopied     sequences set on the target from the source's values
 * @param switcher            where the connection settings were switched (a file, a command, SSM parameters)
 */
public record CutoverCompleted(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                               long writeDowntimeMillis, List<CutoverPhase> phases, List<VerifiedTable> tables,
                               int sequencesCopied, String switcher, List<String> notes) implements OutcomeEvent {
}
