package io.catalogmigration.provisioner;

import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProvisionerApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        try (var pg = PostgresCluster.builder("provisioner-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(ProvisionerApplication.class, pg, kafka.bootstrapServers(), Map.of());
            try {
                assertThat(context.getBean(ProvisionerProperties.class)).isNotNull();
                assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from provisioner.run")).isZero();
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }
}
