package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
import io.catalogmigration.testkit.LogCapture;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to migration.prune.command sends StartPrune commands malformed and hostile in every field: each
 * is refused with a clear reason (a failed outcome or a dead letter), no database changes, the service keeps
 * consuming, and the servers' password (the canary) appears in no record, header, log line or ledger row.
 */
class PruneHostileInputTest extends PruneTestBase {

    static ConfigurableApplicationContext service;
    static LogCapture logs;

    @BeforeAll
    static void startService() {
        logs = LogCapture.attach();
        service = startService(Map.of());
    }

    @AfterAll
    static void stopService() {
        ServiceRunner.stop(service);
        logs.close();
    }

    @Test
    void everyHostileStartPruneIsRefusedClearlyAndChangesNothing() throws Exception {
        PgEndpoint database = pg.endpoint(SampleCatalog.ROSEMETA);
        int closedPort = HostileInputSuite.closedPort();
        var valid = command(database, PruneMode.PURGE, List.of("metrics"));
        var nodes = JsonNodeFactory.instance;
        var hostile = HostileCommands.of(PruneCommand.class, valid)
                .with("batchSize: 10.5 (read as 10, a PURGE would run)", c -> c.put("batchSize", 10.5))
                .with("batchSize: 0", c -> c.put("batchSize", 0))
                .with("an injection-shaped database name", c -> HostileCommands.set(c, "database.database",
                        nodes.stringNode("rosemeta; drop table rosemeta_table")))
                .with("a database name with a quote", c -> HostileCommands.set(c, "database.database", nodes.stringNode("x\"y")))
                .with("an injection-shaped group", c -> c.set("groups", nodes.arrayNode().add("qli'; drop table x; --")))
                .with("a group not configured", c -> c.set("groups", nodes.arrayNode().add("everything")))
                .endpoint("database", closedPort)
                .cases();

        var reasons = HostileInputSuite.refuseAll(commands, events, Topics.PRUNE_COMMAND, hostile, Duration.ofSeconds(120), pg);

        assertThat(reasons.get("batchSize: 10.5 (read as 10, a PURGE would run)")).as(reasons.toString()).contains("10.5");
        assertThat(reasons.get("database.passwordRef: [null]")).isNull(); // not a list: no such case, keeps the map honest
        assertThat(reasons.get("groups: [null]")).contains("groups");

        // still consuming: a valid command afterwards is carried out
        var dryRun = new StartPrune(java.util.UUID.randomUUID(), valid.migrationId(), java.time.Instant.now(), database,
                List.of("metrics"), PruneMode.DRY_RUN, null);
        assertThat(send(dryRun)).isInstanceOf(PruneCompleted.class);

        HostileInputSuite.assertNoSecretAnywhere(events, logs, pg, pg.password());
    }
}
