package io.catalogmigration.common.health;

import io.catalogmigration.common.throttle.ConsumerThrottle;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The consumer throttle's state. Always up: a throttled service is slower, not broken; the details say how slow. */
public class ThrottleHealthIndicator implements HealthIndicator {

    private final ConsumerThrottle throttle;

    public ThrottleHealthIndicator(ConsumerThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("enabled", throttle.enabled())
                .withDetail("pauses", Math.round(throttle.pauses())).build();
    }
}
