package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * After a switch: fence the target, restore the application's previous connection settings and make the source
 * writable again. Rows written on the target since the switch stay there only.
 *
 * @param confirm must repeat the migrationId
 */
public record RollBackCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                              List<String> databases, String confirm) implements CutoverCommand {

    public RollBackCutover {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
