package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The target has the schema (without deferred indexes) and its subscription is copying and streaming.
 *
 * @param tables        tables published and subscribed
 * @param rolesCreated  roles created on the target
 * @param notes         what was left out or changed, e.g. a denied extension, a table given REPLICA IDENTITY FULL
 * @param postDataSteps indexes and constraints kept for after the catch-up
 */
public record ReplicationStarted(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String database,
                                 String publication, String slot, String subscription, int tables,
                                 List<String> rolesCreated, List<String> notes, int postDataSteps) implements OutcomeEvent {
}
