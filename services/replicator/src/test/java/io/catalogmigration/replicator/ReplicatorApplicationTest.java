package io.catalogmigration.replicator;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicatorApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(ReplicatorApplication.class, "replicator",
                context -> assertThat(context.getBean(ReplicatorProperties.class)).isNotNull());
    }
}
