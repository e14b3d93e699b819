package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Report the state of one database's replication: per-table sync state, lag, and the runbook's answer
 * (NEED_TO_WAIT / STOP_WAITING). Once every table is ready, builds the deferred indexes and constraints.
 *
 * @param source an administrator of the source server, on the replicated database
 * @param target an administrator of the target server, on its maintenance database
 */
public record CheckReplication(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target)
        implements ReplicateCommand {
}
