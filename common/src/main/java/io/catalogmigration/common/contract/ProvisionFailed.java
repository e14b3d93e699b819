package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A provisioner command failed.
 *
 * @param command       the command's type, e.g. {@code ProvisionTarget}
 * @param provider      {@code aws}, {@code local}, or what the command named when it was not one of those
 * @param reason        what went wrong, in an operator's words
 * @param action        what to do about it
 * @param awsErrorCode  the AWS error code when AWS refused a call (e.g. {@code InsufficientDBInstanceCapacity})
 * @param resourcesLeft resources of this migration that exist after the failure (a retry adopts them)
 */
public record ProvisionFailed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String command,
                              String provider, String reason, String action, String awsErrorCode,
                              List<String> resourcesLeft) implements OutcomeEvent {
}
