package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
import io.catalogmigration.testkit.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to migration.provision.command sends each of its commands (PlanTarget, ProvisionTarget,
 * DeprovisionTarget, SnapshotTarget, on the local provider that works on a real second server) malformed and hostile
 * in every field: each is refused with a clear reason, neither server changes (no role or database created or
 * dropped), the service keeps consuming, and no server's password appears in a record, header, log line or ledger row.
 */
class ProvisionerHostileInputTest extends ProvisionerTestBase {

    static LogCapture logs;

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.attach();
    }

    @AfterAll
    static void releaseLogs() {
        logs.close();
    }

    @Test
    void everyHostileProvisionCommandIsRefusedClearlyAndChangesNoServer() {
        String migration = newMigration();
        int closedPort = HostileInputSuite.closedPort();
        var nodes = JsonNodeFactory.instance;
        List<HostileCommands.Case> hostile = new ArrayList<>();
        hostile.addAll(HostileCommands.of(ProvisionCommand.class, new PlanTarget(UUID.randomUUID(), migration,
                        Instant.now(), source(), 1000L, 10, 4))
                .endpoint("source", closedPort).cases());
        hostile.addAll(HostileCommands.of(ProvisionCommand.class, localTarget(migration))
                .with("provision: an unknown provider", c -> c.put("provider", "local; rm -rf /"))
                .with("provision: a region for the local provider", c -> c.put("region", "us-east-1\nrm -rf /"))
                .endpoint("target", closedPort).cases());
        hostile.addAll(HostileCommands.of(ProvisionCommand.class, deprovisionLocal(migration))
                .with("deprovision: confirm false", c -> c.put("confirm", false))
                .with("deprovision: confirm \"true\"", c -> c.set("confirm", nodes.stringNode("true")))
                .endpoint("target", closedPort).cases());
        hostile.addAll(HostileCommands.of(ProvisionCommand.class, new SnapshotTarget(UUID.randomUUID(), migration,
                        Instant.now(), "local", null, null, parts.target.endpoint("postgres")))
                .with("snapshot: an injection-shaped identifier", c -> c.put("dbInstanceIdentifier", "x; drop database rosemeta"))
                .endpoint("target", closedPort).cases());

        var reasons = HostileInputSuite.refuseAll(parts.commands, parts.events, Topics.PROVISION_COMMAND, hostile,
                Duration.ofSeconds(180), parts.source, parts.target);

        assertThat(reasons.get("objectCount: 10.5")).as(reasons.toString()).contains("10.5");

        // still consuming: a valid command afterwards is carried out
        OutcomeEvent planned = send(new PlanTarget(UUID.randomUUID(), migration, Instant.now(), source(), 1000L, 10, 4));
        assertThat(planned).isInstanceOf(TargetPlanned.class);

        HostileInputSuite.assertNoSecretAnywhere(parts.events, logs, parts.source, parts.source.password(),
                parts.target.password(), parts.target.adminPassword());
    }
}
