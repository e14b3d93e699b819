package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The cutover side of the reset is done and the replicator was asked to reset each database.
 *
 * @param settingsRestored   true when switched settings were put back
 * @param replicationResets  the commandIds of the {@link ResetReplication} commands sent (their outcomes follow)
 */
public record CutoverReset(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                           boolean settingsRestored, List<UUID> replicationResets, List<String> notes)
        implements OutcomeEvent {
}
