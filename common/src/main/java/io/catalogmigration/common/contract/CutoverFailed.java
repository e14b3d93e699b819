package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A cutover command could not be carried out.
 *
 * @param command        the command's type, e.g. StartCutover
 * @param phase          the step that failed, e.g. PREFLIGHT, WAIT_FOR_TARGET, VERIFY
 * @param sourceReleased true when writes had been stopped and the source was made writable again
 * @param switched       true when the application's settings point at the target (send RollBackCutover to undo)
 * @param checks         the checks made, when the failure is a check
 */
public record CutoverFailed(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String command,
                            String phase, String reason, String action, boolean sourceReleased, boolean switched,
                            List<CutoverCheck> checks, List<String> notes) implements OutcomeEvent {
}
