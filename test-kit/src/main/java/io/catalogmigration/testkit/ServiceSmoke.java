package io.catalogmigration.testkit;

import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;
import java.util.function.Consumer;

/** Boots a service once against a fresh broker and control database, and checks it migrated its ledger schema. */
public final class ServiceSmoke {

    public static void startsAndMigratesItsLedger(Class<?> application, String ledgerSchema,
                                                  Consumer<ConfigurableApplicationContext> check) {
        try (var pg = PostgresCluster.builder(ledgerSchema + "-smoke").fast().start(); var kafka = KafkaBroker.start()) {
            var context = ServiceRunner.start(application, pg, kafka.bootstrapServers(), Map.of());
            try {
                check.accept(context);
                long runs = pg.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from " + ledgerSchema + ".run");
                if (runs != 0) {
                    throw new AssertionError("a fresh ledger should have no runs, found " + runs);
                }
            } finally {
                ServiceRunner.stop(context);
            }
        }
    }

    private ServiceSmoke() {
    }
}
