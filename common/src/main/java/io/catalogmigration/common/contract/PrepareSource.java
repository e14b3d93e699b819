package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Check (and where possible set) what logical replication needs on the source server.
 *
 * @param source                 an administrator of the source server (any database)
 * @param databases              the databases the target will replicate, e.g. rosemeta and lineage
 * @param targetAddress          the IP address the target connects from (checked against pg_hba.conf)
 * @param replicationUser        the role the target logs in as; created with LOGIN REPLICATION when missing
 * @param replicationPasswordRef secret reference of that role's password
 * @param plannedWorkers         replication connections planned (null: one per database plus sync workers)
 */
public record PrepareSource(
        UUID commandId,
        String migrationId,
        Instant issuedAt,
        PgEndpoint source,
        List<String> databases,
        String targetAddress,
        String replicationUser,
        String replicationPasswordRef,
        Integer plannedWorkers) implements ReplicateCommand {

    public PrepareSource {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
