package io.catalogmigration.replicator;

import io.catalogmigration.common.health.ActiveInstanceHealthIndicator;
import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicatorApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseMigratesItsLedgerAndIsTheActiveInstance() {
        ServiceSmoke.startsAndMigratesItsLedger(ReplicatorApplication.class, "replicator", context -> {
            assertThat(context.getBean(ReplicatorProperties.class)).isNotNull();
            var health = context.getBean(ActiveInstanceHealthIndicator.class).health();
            assertThat(health.getDetails()).containsEntry("role", "active");
        });
    }
}
