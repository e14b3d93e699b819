package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Delete rows older than their group's retention from one database.
 *
 * @param groups    retention groups to prune ({@code qli}, {@code metadata}, {@code metrics}); empty means all
 * @param batchSize rows per key-range delete; null means the service default
 */
public record StartPrune(
        UUID commandId,
        String migrationId,
        Instant issuedAt,
        PgEndpoint database,
        List<String> groups,
        PruneMode mode,
        Integer batchSize) implements PruneCommand {

    public StartPrune {
        groups = groups == null ? List.of() : List.copyOf(groups);
        mode = mode == null ? PruneMode.DRY_RUN : mode;
    }
}
