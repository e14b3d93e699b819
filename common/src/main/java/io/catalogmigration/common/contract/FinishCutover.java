package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Ends the fallback once the application works on the target: the replication back to the source is dropped (its
 * subscription on the source, its slot and publication on the target) and the source is left fenced, or handed to the
 * service's finish hook (e.g. to stop the old server, the runbook's last step). A rollback is not possible afterwards.
 *
 * @param confirm must repeat the migrationId: no rollback is possible afterwards
 */
public record FinishCutover(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                            List<String> databases, String confirm) implements CutoverCommand {

    public FinishCutover {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
