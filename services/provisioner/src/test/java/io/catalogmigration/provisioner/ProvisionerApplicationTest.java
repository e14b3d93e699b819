package io.catalogmigration.provisioner;

import io.catalogmigration.testkit.ServiceSmoke;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProvisionerApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        ServiceSmoke.startsAndMigratesItsLedger(ProvisionerApplication.class, "provisioner",
                context -> assertThat(context.getBean(ProvisionerProperties.class)).isNotNull());
    }
}
