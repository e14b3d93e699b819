package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Size the target without creating anything: measure the source and answer with {@link TargetPlanned}.
 *
 * @param source          the source server's {@code rosemeta} database; {@code lineage} is read on the same server
 * @param objectCount     the catalog's object count; null means estimate it from the source's row counts
 * @param concurrentUsers peak concurrent users of the catalog; null means the configured default
 * @param sourceCpuCount  CPUs of the source host ({@code lscpu}); null means the configured default
 */
public record PlanTarget(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, Long objectCount,
                         Integer concurrentUsers, Integer sourceCpuCount) implements ProvisionCommand {
}
