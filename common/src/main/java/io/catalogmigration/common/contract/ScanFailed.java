package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A scan could not run (bad input, unreachable server, missing privilege) or stopped on an error.
 *
 * @param reason    what went wrong, in an operator's words
 * @param action    what to do about it
 * @param databases the databases the command named (no secret)
 */
public record ScanFailed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String reason, String action,
                         List<String> databases) implements OutcomeEvent {
}
