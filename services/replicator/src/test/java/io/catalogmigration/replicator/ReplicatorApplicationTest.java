package io.catalogmigration.replicator;

import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicatorApplicationTest {

    @Test
    void startsAgainstARealBrokerAndControlDatabaseAndMigratesItsLedger() {
        try (var pg = PostgresCluster.builder("replicator-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(ReplicatorApplication.class, pg, kafka.bootstrapServers(), Map.of());
            try {
                assertThat(context.getBean(ReplicatorProperties.class)).isNotNull();
                assertThat(pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from replicator.run")).isZero();
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }
}
