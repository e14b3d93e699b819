package io.catalogmigration.prune;

import io.catalogmigration.common.kafka.WorkTopicSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;

/**
 * The prune service's settings. Retention groups default to the runbook's policy (see application.yml).
 *
 * @param batchSize        rows per key-range delete, each in its own short transaction
 * @param rangesPerMessage key ranges per work message (at most 100)
 * @param workers          consumers of the work topic in this instance
 * @param tolerance        fraction of the planned rows that may remain past retention before the run fails
 * @param lockTimeout      how long one delete may wait for a row lock before it gives way to the application
 */
@ConfigurationProperties("prune")
public record PruneProperties(
        @DefaultValue("10000") int batchSize,
        @DefaultValue("100") int rangesPerMessage,
        @DefaultValue("2") int workers,
        @DefaultValue("6") int workPartitions,
        @DefaultValue("0.001") double tolerance,
        @DefaultValue("1s") Duration lockTimeout,
        Map<String, RetentionGroup> groups) implements WorkTopicSettings {

    public PruneProperties {
        if (rangesPerMessage < 1 || rangesPerMessage > 100) {
            throw new IllegalArgumentException("prune.ranges-per-message must be 1-100, got " + rangesPerMessage);
        }
        if (tolerance < 0 || tolerance >= 1) {
            throw new IllegalArgumentException("prune.tolerance is a fraction in [0, 1), got " + tolerance);
        }
        groups = groups == null ? Map.of() : Map.copyOf(groups);
    }

    /** Tables whose rows older than {@code olderThan} are deleted. */
    public record RetentionGroup(Period olderThan, List<TableRule> tables) {
    }

    /** A table and the column that says how old a row is. Its primary key must be one integer column. */
    public record TableRule(String name, @DefaultValue("ts_created") String timestampColumn) {
    }
}
