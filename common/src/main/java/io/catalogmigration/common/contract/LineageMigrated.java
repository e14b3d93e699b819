package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Every distinct link is an edge: validation passed and the V3 flag is on.
 *
 * @param sourceLinks      distinct (source, source_otype, target, target_otype) tuples in the source table
 * @param edges            edges with relation_type = 1 in the target
 * @param sourceTableBytes pg_total_relation_size of the source table, for the runbook's hours-per-GB figure
 */
public record LineageMigrated(UUID eventId, String migrationId, Instant occurredAt, UUID runId, long sourceLinks,
                              long edges, long nodes, long messages, long sourceTableBytes, long elapsedMillis,
                              boolean v3Enabled) implements OutcomeEvent {
}
