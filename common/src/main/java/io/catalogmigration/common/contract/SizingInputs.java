package io.catalogmigration.common.contract;

import java.util.Map;

/**
 * What a target was sized from.
 *
 * @param databaseBytes       {@code pg_database_size} of each source database, by name
 * @param objectCountMeasured true when {@code objectCount} was estimated from the source rather than given
 * @param sourceServerVersion the source's {@code server_version_num}, e.g. 150004
 */
public record SizingInputs(Map<String, Long> databaseBytes, long objectCount, boolean objectCountMeasured,
                           int concurrentUsers, int sourceCpuCount, int sourceServerVersion) {
}
