package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Stop an unfinished scan run of the same migration: it ends with ScanFailed (rows a REPAIR deleted stay deleted and
 * listed) and frees its databases; this command ends with RunCancelled, or ScanFailed when there is nothing to cancel.
 *
 * @param runId  the run to stop (the commandId of its StartScan, as a refusal or the progress topic names it)
 * @param reason why, in the operator's words; kept in the run's outcome
 */
public record CancelScan(UUID commandId, String migrationId, Instant issuedAt, UUID runId, String reason)
        implements ScanCommand {
}
