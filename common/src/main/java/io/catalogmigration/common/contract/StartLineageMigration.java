package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/**
 * Migrate lineage links from {@code object_lineage_link} in {@code source} (rosemeta) to the graph tables in
 * {@code target} (lineage), starting after the migration pointer.
 *
 * @param linksPerMessage links per Kafka message; null means the service default (100)
 */
public record StartLineageMigration(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source,
                                    PgEndpoint target, Integer linksPerMessage) implements LineageCommand {
}
