package io.catalogmigration.cutover;

import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CutoverApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        try (var pg = PostgresCluster.builder("cutover-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(CutoverApplication.class, pg, kafka.bootstrapServers(), Map.of());
            try {
                assertThat(context.getBean(CutoverProperties.class)).isNotNull();
                assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from cutover.run")).isZero();
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }
}
