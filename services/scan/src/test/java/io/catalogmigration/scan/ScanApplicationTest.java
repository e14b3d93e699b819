package io.catalogmigration.scan;

import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScanApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        try (var pg = PostgresCluster.builder("scan-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(ScanApplication.class, pg, kafka.bootstrapServers(), Map.of());
            try {
                assertThat(context.getBean(ScanProperties.class)).isNotNull();
                assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from scan.run")).isZero();
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }
}
