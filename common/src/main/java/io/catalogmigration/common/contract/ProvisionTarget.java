package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Size the target, then create it; answered by {@link TargetProvisioned}. Sending it again (a new commandId) adopts
 * what an earlier attempt of the same migration created instead of creating it twice.
 *
 * @param source               the source server's {@code rosemeta} database; {@code lineage} is read on the same server
 * @param provider             {@code aws} or {@code local}; null means the service's configured default
 * @param objectCount          the catalog's object count; null means estimate it from the source's row counts
 * @param concurrentUsers      peak concurrent users; null means the configured default
 * @param sourceCpuCount       CPUs of the source host; null means the configured default
 * @param region               aws: the AWS region of the source instance, e.g. {@code us-east-1}
 * @param sourceInstanceId     aws: the EC2 instance the catalog runs on; the target goes into its VPC
 * @param dbInstanceIdentifier aws: the RDS identifier; null means {@code catalog-<migrationId>}
 * @param engineVersion        aws: PostgreSQL version for RDS (not older than the source); null means the source's major
 * @param target               local: the server standing in for RDS, as its administrator
 */
public record ProvisionTarget(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, String provider,
                              Long objectCount, Integer concurrentUsers, Integer sourceCpuCount, String region,
                              String sourceInstanceId, String dbInstanceIdentifier, String engineVersion,
                              PgEndpoint target) implements ProvisionCommand {
}
