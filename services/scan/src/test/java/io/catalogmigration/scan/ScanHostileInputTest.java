package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
import io.catalogmigration.testkit.LogCapture;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to migration.scan.command sends StartScan commands malformed and hostile in every field (a REPAIR
 * deletes rows, so every one of them is a REPAIR): each is refused with a clear reason, no database changes, the
 * service keeps consuming, and the servers' password (the canary) appears in no record, header, log line or ledger row.
 */
class ScanHostileInputTest extends ScanTestBase {

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
    void everyHostileStartScanIsRefusedClearlyAndChangesNothing() throws Exception {
        PgEndpoint database = copyOf(LINEAGE_TEMPLATE);
        damage(database.database(), java.util.Set.of(7L), java.util.Set.of());
        int closedPort = HostileInputSuite.closedPort();
        var valid = command(List.of(database), ScanMode.REPAIR, ScanMethod.READ_ROWS, List.of(BLOBS));
        var nodes = JsonNodeFactory.instance;
        var hostile = HostileCommands.of(ScanCommand.class, valid)
                .with("parallelism: 10.5", c -> c.put("parallelism", 10.5))
                .with("parallelism: 0", c -> c.put("parallelism", 0))
                .with("databases: []", c -> c.set("databases", nodes.arrayNode()))
                .with("an injection-shaped table", c -> c.set("tables", nodes.arrayNode().add("scan_blob; drop table scan_blob")))
                .with("a table name with a quote", c -> c.set("tables", nodes.arrayNode().add("\"x\"y\"")))
                .with("a table not in the catalog", c -> c.set("tables", nodes.arrayNode().add("public.no_such_table")))
                .with("an injection-shaped database name", c -> HostileCommands.set(c, "databases.0.database",
                        nodes.stringNode("lineage; drop table x")))
                .endpoint("databases.0", closedPort)
                .cases();

        var reasons = HostileInputSuite.refuseAll(commands, events, Topics.SCAN_COMMAND, hostile, Duration.ofSeconds(120), pg);

        assertThat(reasons.get("parallelism: 10.5")).as(reasons.toString()).contains("10.5");
        assertThat(reasons.get("databases: [null]")).contains("databases");
        assertThat(reasons.get("a table not in the catalog")).contains("no_such_table");

        // still consuming: a valid command afterwards is carried out
        var report = new StartScan(UUID.randomUUID(), valid.migrationId(), Instant.now(), List.of(database), ScanMode.REPORT,
                List.of(BLOBS), null, ScanMethod.READ_ROWS);
        assertThat(send(report)).isInstanceOf(ScanCompleted.class);

        HostileInputSuite.assertNoSecretAnywhere(events, logs, pg, pg.password());
    }
}
