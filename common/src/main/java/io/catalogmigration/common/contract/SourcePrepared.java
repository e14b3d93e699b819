package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The source was checked and what could be set was set.
 *
 * @param ready           true when replication can start now (no restart, no operator action pending)
 * @param restartRequired true when a setting takes effect only after a restart of the source server
 */
public record SourcePrepared(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String source,
                             String serverVersion, boolean ready, boolean restartRequired, List<SourceCheck> checks)
        implements OutcomeEvent {
}
