package io.catalogmigration.lineage;

import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LineageApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        try (var pg = PostgresCluster.builder("lineage-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(LineageApplication.class, pg, kafka.bootstrapServers(), Map.of());
            try {
                assertThat(context.getBean(LineageProperties.class)).isNotNull();
                assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from lineage.run")).isZero();
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }
}
