package io.catalogmigration.scan;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScanApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(ScanApplication.class, "scan",
                context -> assertThat(context.getBean(ScanProperties.class)).isNotNull());
    }
}
