package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.testkit.DatabaseFingerprint;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
import io.catalogmigration.testkit.LogCapture;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to migration.lineage.command sends each of its commands (StartLineageMigration, ValidateLineage,
 * ResetLineagePointer) malformed and hostile in every field: each is refused with a clear reason, no database
 * changes, the service keeps consuming, and the servers' password appears in no record, log line or ledger row.
 */
class LineageHostileInputTest extends LineageTestBase {

    static ConfigurableApplicationContext service;
    static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = LogCapture.attach();
        startRealParts(SampleSize.tiny());
        service = startService(Map.of());
    }

    @AfterAll
    static void stop() {
        ServiceRunner.stop(service);
        logs.close();
    }

    @Test
    void everyHostileLineageCommandIsRefusedClearlyAndChangesNothing() throws Exception {
        var target = freshTarget();
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var nodes = JsonNodeFactory.instance;
        List<HostileCommands.Case> hostile = new ArrayList<>();
        hostile.addAll(HostileCommands.of(LineageCommand.class, LineageTestBase.start(target))
                .with("linksPerMessage: 10.5", c -> c.put("linksPerMessage", 10.5))
                .with("linksPerMessage: 101", c -> c.put("linksPerMessage", 101))
                .with("an injection-shaped target database", c -> HostileCommands.set(c, "target.database",
                        nodes.stringNode("lineage; drop table object_lineage_link")))
                .with("a missing secret", c -> HostileCommands.set(c, "source.passwordRef", nodes.stringNode("env:HOSTILE_NO_SUCH_SECRET")))
                .with("an unreachable source", c -> HostileCommands.set(c, "source.port", nodes.numberNode(closedPort)))
                .cases());
        hostile.addAll(HostileCommands.of(LineageCommand.class, new ValidateLineage(UUID.randomUUID(), "mig-hostile",
                        Instant.now(), pg.endpoint(SampleCatalog.ROSEMETA), target))
                .with("validate: an unreachable target", c -> HostileCommands.set(c, "target.port", nodes.numberNode(closedPort)))
                .cases());
        hostile.addAll(HostileCommands.of(LineageCommand.class, new ResetLineagePointer(UUID.randomUUID(), "mig-hostile",
                Instant.now())).cases());
        Map<String, String> before = DatabaseFingerprint.of(pg, List.of(ServiceRunner.CONTROL_DATABASE));

        var refusals = HostileInputSuite.sendAll(commands, events, Topics.LINEAGE_COMMAND, hostile, Duration.ofSeconds(150));

        assertThat(refusals).hasSize(hostile.size());
        var reasons = HostileInputSuite.reasons(refusals);
        assertThat(reasons.get("an unreachable source")).as(reasons.toString()).contains(String.valueOf(closedPort));
        assertThat(reasons.get("validate: an unreachable target")).contains(String.valueOf(closedPort));
        assertThat(DatabaseFingerprint.of(pg, List.of(ServiceRunner.CONTROL_DATABASE))).as("every database, row by row")
                .isEqualTo(before);

        // still consuming: a valid command afterwards is carried out
        assertThat(send(LineageTestBase.start(freshTarget()))).isInstanceOf(LineageMigrated.class);

        events.assertNoRecordContains(pg.password());
        logs.assertNoLineContains(pg.password());
        assertThat(HostileInputSuite.ledgerText(pg)).as("the ledgers").doesNotContain(pg.password());
    }
}
