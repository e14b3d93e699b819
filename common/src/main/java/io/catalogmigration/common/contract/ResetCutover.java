package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The runbook's reset: restore the previous connection settings if they were switched, make the source writable, and
 * have the replicator drop each database's subscription, slot and target database ({@link ResetReplication}).
 *
 * @param confirm must repeat the migrationId: the target databases are dropped
 */
public record ResetCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                           List<String> databases, String confirm) implements CutoverCommand {

    public ResetCutover {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
