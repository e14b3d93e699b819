package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * A cancel command stopped the run it named; that run has its own failed outcome, saying it was cancelled.
 *
 * @param runId          this cancel command's run (its commandId)
 * @param cancelledRunId the run stopped
 * @param command        the command that started the stopped run, e.g. StartPrune
 * @param stage          what the stopped run was doing, e.g. DELETING
 * @param done           its work done when it stopped, in its own unit (rows, bytes)
 * @param planned        its work planned
 */
public record RunCancelled(UUID eventId, String migrationId, Instant occurredAt, UUID runId, UUID cancelledRunId,
                           String command, String stage, long done, long planned) implements OutcomeEvent {
}
