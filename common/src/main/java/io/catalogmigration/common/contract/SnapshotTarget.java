package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * The runbook's last safety step, after the cutover: the first snapshot of the new target, taken and waited for;
 * answered by {@link TargetSnapshotTaken}. On aws an RDS DB snapshot ({@code CreateDBSnapshot}), tagged with the
 * migration id; on local a {@code pg_dump} of each target database. Sending it again (a new commandId) takes another.
 *
 * @param provider             {@code aws} or {@code local}; null means the service's configured default
 * @param region               aws: the region the instance is in
 * @param dbInstanceIdentifier aws: the RDS instance to snapshot
 * @param target               local: the server standing in for RDS, as its administrator
 */
public record SnapshotTarget(UUID commandId, String migrationId, Instant issuedAt, String provider, String region,
                             String dbInstanceIdentifier, PgEndpoint target) implements ProvisionCommand {
}
