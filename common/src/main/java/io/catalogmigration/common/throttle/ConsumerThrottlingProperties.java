package io.catalogmigration.common.throttle;

import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The lineage runbook's event-bus throttling, the same in every service: {@code migration.consumer-throttling.*}
 * (see {@link io.catalogmigration.common.MigrationProperties}).
 *
 * @param enabled   off by default: throttling trades speed for memory
 * @param threshold percent of the maximum heap in use at which consumers take a break: the heap held by what survived
 *                  garbage collection (old generation and survivor spaces, see {@link HeapGauge})
 * @param duration  how long the break between batches lasts, at most a minute: the consumer's thread takes it, and a
 *                  rebalance of its group waits for it that long
 */
public record ConsumerThrottlingProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("90") int threshold,
        @DefaultValue("1000ms") Duration duration) {

    static final Duration MAX_DURATION = Duration.ofMinutes(1);

    public ConsumerThrottlingProperties {
        if (threshold < 1 || threshold > 100) {
            throw new IllegalArgumentException("migration.consumer-throttling.threshold must be a percentage from 1 to 100, got " + threshold);
        }
        if (duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("migration.consumer-throttling.duration must be from 0 to " + MAX_DURATION.toSeconds()
                    + "s (a longer break holds up the consumer group's rebalances; lower the threshold instead), got " + duration);
        }
    }
}
