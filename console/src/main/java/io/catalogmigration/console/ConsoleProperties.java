package io.catalogmigration.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The console's settings.
 *
 * @param brokerCheckInterval how often the console asks the broker whether it is there (the page's status line)
 * @param brokerTimeout       how long one such question may take before the broker counts as unreachable
 * @param pushInterval        changes are gathered and pushed to browsers at most this often, so a burst of progress
 *                            events costs one update per migration, not one per event
 * @param maxMigrations       migrations kept in memory; the ones with the oldest last event are forgotten first
 */
@ConfigurationProperties("console")
public record ConsoleProperties(
        @DefaultValue("5s") Duration brokerCheckInterval,
        @DefaultValue("3s") Duration brokerTimeout,
        @DefaultValue("250ms") Duration pushInterval,
        @DefaultValue("200") int maxMigrations) {

    public ConsoleProperties {
        if (maxMigrations < 1) {
            throw new IllegalArgumentException("console.max-migrations must be at least 1, got " + maxMigrations);
        }
        if (brokerCheckInterval.isNegative() || brokerCheckInterval.isZero()
                || pushInterval.isNegative() || pushInterval.isZero()) {
            throw new IllegalArgumentException("console.broker-check-interval and console.push-interval must be positive");
        }
    }
}
