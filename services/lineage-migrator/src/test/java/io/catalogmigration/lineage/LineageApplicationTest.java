package io.catalogmigration.lineage;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineageApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(LineageApplication.class, "lineage",
                context -> assertThat(context.getBean(LineageProperties.class)).isNotNull());
    }
}
