package io.catalogmigration.common.health;

import io.catalogmigration.common.active.ActiveInstance;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether this instance carries out the service's commands or waits for the one that does. Up either way: a standby
 * is healthy, it just waits; the details say which it is and, on standby, for whom.
 */
public class ActiveInstanceHealthIndicator implements HealthIndicator {

    private final ActiveInstance instance;

    public ActiveInstanceHealthIndicator(ActiveInstance instance) {
        this.instance = instance;
    }

    @Override
    public Health health() {
        var state = instance.state();
        return Health.up().withDetail("role", state.role().name().toLowerCase(java.util.Locale.ROOT))
                .withDetail("detail", state.detail()).withDetail("since", state.since().toString()).build();
    }
}
