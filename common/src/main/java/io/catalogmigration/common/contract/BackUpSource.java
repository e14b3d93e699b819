package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The runbook's first safety step, before anything changes: make sure a backup of the source server exists, taking
 * one with {@code pg_basebackup} or having the operator's hook take or find one, as the replicator is configured
 * ({@code replicator.backup.*}); answered by {@link SourceBackedUp}, which says where it is.
 *
 * @param source an administrator of the source server on its maintenance database (pg_basebackup needs the
 *               REPLICATION attribute or a superuser)
 */
public record BackUpSource(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source)
        implements ReplicateCommand {
}
