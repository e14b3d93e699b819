package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The runbook's reset of the target: drop the subscription and its slot, end the sessions on the target database
 * and drop it. The source keeps its data and settings; the publication and replica identities set by the
 * replicator are removed.
 *
 * @param source  an administrator of the source server, on the replicated database
 * @param target  an administrator of the target server, on its maintenance database
 * @param confirm must repeat the migrationId: the target database is dropped
 */
public record ResetReplication(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                               String confirm) implements ReplicateCommand {
}
