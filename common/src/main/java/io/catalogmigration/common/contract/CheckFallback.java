package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reports, changing nothing, the replication from the target back to the source after a switch: per database whether
 * it streams and how far the source is behind. Answered by {@link FallbackReported} or {@link CutoverFailed}.
 */
public record CheckFallback(UUID commandId, String migrationId, Instant issuedAt, PgEndpoint source, PgEndpoint target,
                            List<String> databases) implements CutoverCommand {

    public CheckFallback {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
