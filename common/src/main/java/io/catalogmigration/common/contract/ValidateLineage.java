package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.UUID;

/** Compare the distinct links in {@code source} with the lineage edges in {@code target}. */
public record ValidateLineage(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target)
        implements LineageCommand {
}
