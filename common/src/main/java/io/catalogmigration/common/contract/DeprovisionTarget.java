package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Remove what this migration created, and only that (resources tagged, or on a local server marked, with its
 * migration id); answered by {@link TargetDeprovisioned}. Nothing happens unless {@code confirm} is true.
 *
 * @param provider             {@code aws} or {@code local}; null means the service's configured default
 * @param region               aws: the region the instance is in
 * @param dbInstanceIdentifier aws: the RDS identifier to delete, named explicitly
 * @param target               local: the server standing in for RDS, as its administrator
 * @param confirm              must be true: deleting a database is not undone by sending another command
 * @param skipFinalSnapshot    aws: true deletes the instance without a final snapshot; null or false keeps one
 */
public record DeprovisionTarget(UUID commandId, String migrationId, Instant issuedAt, String provider, String region,
                                String dbInstanceIdentifier, PgEndpoint target, Boolean confirm,
                                Boolean skipFinalSnapshot) implements ProvisionCommand {
}
