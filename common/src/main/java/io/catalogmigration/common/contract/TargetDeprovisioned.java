package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a {@link DeprovisionTarget} removed.
 *
 * @param deleted                 resources deleted now
 * @param alreadyGone             resources this migration would own that did not exist (an earlier run removed them)
 * @param kept                    resources with this migration's names that are not marked as its own: left alone
 * @param finalSnapshotIdentifier aws: the snapshot taken before the instance was deleted, or null when skipped
 */
public record TargetDeprovisioned(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String provider,
                                  List<String> deleted, List<String> alreadyGone, List<String> kept,
                                  String finalSnapshotIdentifier) implements OutcomeEvent {
}
