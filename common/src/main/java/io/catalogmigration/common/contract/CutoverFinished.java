package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The fallback is over: the application stays on the target for good.
 *
 * @param dropped    the fallback's objects dropped: subscriptions on the source, slots and publications on the target
 * @param finishHook true when the service's finish hook ran (e.g. it stopped the old server)
 * @param notes      what is left as it was: the source's fence (read-only, the application's roles unable to log in)
 */
public record CutoverFinished(UUID eventId, String migrationId, Instant occurredAt, UUID runId, List<String> databases,
                              List<String> dropped, boolean finishHook, List<String> notes) implements OutcomeEvent {
}
