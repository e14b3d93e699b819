package io.catalogmigration.cli;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanMode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the runbook needs, validated by {@link RunbookCli}; free of picocli, so the sequencing does not depend on
 * how the flags were given.
 *
 * @param source         the source server's administrator; the database is replaced per step
 * @param localTarget    local provider: the server standing in for RDS, on {@code postgres}; null for aws
 * @param targetSslmode  sslmode towards the provisioned target, for every later step and the application
 * @param appUser        overrides TargetProvisioned's appUser when not null (likewise appPasswordRef)
 * @param fallbackUser   the login the source replicates back with after the switch (null: the target's administrator);
 *                       fallbackHost: the target's host as the source reaches it (null: the provisioned host)
 * @param skipped        steps not run: {@code --skip} and those before {@code --from} (never provision)
 * @param stepTimeout    null: wait as long as a step takes
 * @param acceptedLosses objects of the source the preflight and the cutover accept to leave behind (--accept-loss)
 */
record RunbookSettings(String migrationId, PgEndpoint source, String provider, PgEndpoint localTarget, String region,
                       String sourceInstanceId, String dbInstanceIdentifier, String engineVersion, Long objectCount,
                       Integer concurrentUsers, Integer sourceCpuCount, ScanMode scanMode, String targetSslmode,
                       String targetAddress, String replicationHost, String replicationUser,
                       String replicationPasswordRef, Map<String, String> rolePasswordRefs, String appUser,
                       String appPasswordRef, String fallbackUser, String fallbackPasswordRef, String fallbackHost,
                       Duration checkInterval, Duration stepTimeout, Set<RunbookStep> skipped, boolean unattended,
                       List<String> acceptedLosses) {

    boolean runs(RunbookStep step) {
        return !skipped.contains(step);
    }
}
