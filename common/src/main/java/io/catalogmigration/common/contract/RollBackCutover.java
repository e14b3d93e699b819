package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * After a switch: fence the target, wait until the source has applied every write made on the target (the replication
 * back set up at the switch), copy the sequences back, restore the application's previous connection settings and
 * make the source writable again.
 *
 * @param confirm must repeat the migrationId
 */
public record RollBackCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                              List<String> databases, String confirm) implements CutoverCommand {

    public RollBackCutover {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
