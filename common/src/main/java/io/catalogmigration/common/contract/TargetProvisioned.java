package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The target exists and accepts connections. Passwords are never here: only references to where they are kept.
 *
 * @param provider         {@code aws} or {@code local}
 * @param databases        the databases the later steps fill ({@code rosemeta}, {@code lineage}); on aws they are
 *                         created by the replicator with the admin secret
 * @param adminSecretRef   the administrator's password as a secret reference (aws: the RDS-managed secret)
 * @param appUserSecretRef the application user's generated password as a secret reference
 * @param resources        what was created or adopted (aws)
 * @param notes            resources adopted from an earlier attempt, differences worth a look
 */
public record TargetProvisioned(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String provider,
                                String host, int port, List<String> databases, String adminUser,
                                String adminSecretRef, String appUser, String appUserSecretRef,
                                ProvisionedResources resources, TargetPlan plan, List<String> notes)
        implements OutcomeEvent {
}
