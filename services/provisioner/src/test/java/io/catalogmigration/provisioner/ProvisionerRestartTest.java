package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.TargetProvisioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProvisionerRestartTest extends ProvisionerTestBase {

    @Test
    void aServiceStoppedWhileWaitingForTheInstanceFinishesTheRunAfterARestartWithoutCreatingAnythingTwice() {
        String migration = newMigration();
        String id = "catalog-" + migration;
        var command = awsTarget(migration, CATALOG_INSTANCE);
        // A slow waiter: the instance is still "creating" when this instance is stopped.
        parts.startService(Map.of("provisioner.aws.wait-poll-interval", "10s"));
        try {
            publish(command);
            await().atMost(Duration.ofSeconds(20)).until(() -> parts.aws.calls("DescribeDBInstances").stream()
                    .filter(c -> id.equals(c.param("DBInstanceIdentifier"))).count() >= 2);
        } finally {
            parts.stopService();
        }
        assertThat(parts.events.outcomes(command.commandId())).as("no outcome from the stopped instance").isEmpty();
        assertThat(ledgerRun(command.commandId())).containsEntry("state", "STARTED");

        parts.startService(Map.of());
        TargetProvisioned outcome = (TargetProvisioned) parts.events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);

        assertThat(outcome.resources().dbInstanceIdentifier()).isEqualTo(id);
        assertThat(outcome.notes()).anyMatch(n -> n.contains("adopted DB instance " + id));
        for (String create : new String[]{"CreateDBInstance", "CreateDBSubnetGroup", "CreateDBParameterGroup", "CreateSecurityGroup"}) {
            assertThat(parts.aws.calls(create)).as(create).filteredOn(c -> c.params().toString().contains(migration)).hasSize(1);
        }
        assertThat(parts.events.outcomes(command.commandId())).hasSize(1);
        assertThat(ledgerRun(command.commandId())).isEqualTo(Map.of("state", "FINISHED", "status", "SUCCEEDED"));
    }
}
