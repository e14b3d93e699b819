package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Copy one database's schema (without its indexes) to the target and replicate its rows with a publication, a
 * replication slot and a subscription. Every step checks before it creates, so sending it again continues.
 *
 * @param source           an administrator of the source server, on the database to replicate
 * @param target           an administrator of the target server, on its maintenance database (e.g. postgres);
 *                         the replicated database gets the source database's name
 * @param replication      how the target reaches the source: host, port, the replication user, sslmode and the
 *                         secret reference of its password (the database is the source's)
 * @param rolePasswordRefs secret references of the passwords of roles to create on the target; a role owning
 *                         objects without one is created NOLOGIN
 */
public record StartReplication(
        UUID commandId,
        String migrationId,
        Instant issuedAt,
        PgEndpoint source,
        PgEndpoint target,
        PgEndpoint replication,
        Map<String, String> rolePasswordRefs) implements ReplicateCommand {

    public StartReplication {
        rolePasswordRefs = rolePasswordRefs == null ? Map.of() : Map.copyOf(rolePasswordRefs);
    }
}
