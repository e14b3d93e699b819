package io.catalogmigration.cutover;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CutoverApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(CutoverApplication.class, "cutover",
                context -> assertThat(context.getBean(CutoverProperties.class)).isNotNull());
    }
}
