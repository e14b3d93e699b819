package io.catalogmigration.lineage;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineageApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(LineageApplication.class, "lineage", context -> {
            assertThat(context.getBean(LineageProperties.class)).isNotNull();
            // The runbook's event-bus check reads its probe message back from the real broker, twice in a row.
            var probe = context.getBean(BrokerProbe.class);
            assertThat(probe.check()).isNull();
            assertThat(probe.check()).isNull();
        });
    }
}
