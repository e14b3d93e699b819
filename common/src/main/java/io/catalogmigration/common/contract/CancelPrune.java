package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Stop an unfinished prune run of the same migration: it ends with PruneFailed (what it deleted stays deleted) and
 * frees its database; this command ends with RunCancelled, or PruneFailed when there is nothing to cancel.
 *
 * @param runId  the run to stop (the commandId of its StartPrune, as a refusal or the progress topic names it)
 * @param reason why, in the operator's words; kept in the run's outcome
 */
public record CancelPrune(UUID commandId, String migrationId, Instant issuedAt, UUID runId, String reason)
        implements PruneCommand {
}
