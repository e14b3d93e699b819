package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(RealParts.Shared.class)
abstract class ProvisionerTestBase {

    static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(30);

    static RealParts parts;

    static String newMigration() {
        return "mig-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static PgEndpoint source() {
        return parts.source.endpoint("rosemeta");
    }

    static ProvisionTarget awsTarget(String migrationId, String instanceId) {
        return new ProvisionTarget(UUID.randomUUID(), migrationId, Instant.now(), source(), "aws", null, null, null,
                "us-east-1", instanceId, null, null, null);
    }

    static ProvisionTarget localTarget(String migrationId) {
        return new ProvisionTarget(UUID.randomUUID(), migrationId, Instant.now(), source(), "local", null, null, null,
                null, null, null, null, parts.target.endpoint("postgres"));
    }

    static DeprovisionTarget deprovisionAws(String migrationId, String identifier, Boolean confirm) {
        return new DeprovisionTarget(UUID.randomUUID(), migrationId, Instant.now(), "aws", "us-east-1", identifier, null,
                confirm, null);
    }

    static DeprovisionTarget deprovisionLocal(String migrationId) {
        return new DeprovisionTarget(UUID.randomUUID(), migrationId, Instant.now(), "local", null, null,
                parts.target.endpoint("postgres"), true, null);
    }

    static void publish(ProvisionCommand command) {
        parts.commands.send(Topics.PROVISION_COMMAND, ProvisionCommand.class, command);
    }

    @SuppressWarnings("unchecked")
    static <T extends OutcomeEvent> T send(ProvisionCommand command) {
        publish(command);
        return (T) parts.events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
    }

    /** Neither a secret the test knows nor any generated password crossed the broker, in a value or a header. */
    static void assertNoneCrossedTheBroker(String... secrets) {
        assertThat(parts.events.records()).isNotEmpty().allSatisfy(record -> {
            for (String secret : secrets) {
                // a dead letter of an empty record (the hostile suite sends some) has no value to carry a secret
                assertThat(java.util.Objects.toString(record.value(), "")).doesNotContain(secret);
                assertThat(record.headers().values()).noneMatch(v -> v != null && v.contains(secret));
            }
        });
    }

    /** Nor did it reach the ledger: commands, plans, outcomes and messages of every run. */
    static void assertNotInTheLedger(String secret) {
        long found = parts.source.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from provisioner.run r "
                + "where r.command::text like '%" + secret + "%' or coalesce(r.plan::text, '') like '%" + secret + "%' "
                + "or coalesce(r.details::text, '') like '%" + secret + "%' or coalesce(r.state_message, '') like '%" + secret + "%' "
                + "or exists (select 1 from provisioner.run_message m where m.message like '%" + secret + "%')");
        assertThat(found).as("ledger rows holding the secret").isZero();
    }

    static Map<String, String> ledgerRun(UUID runId) {
        try (var c = parts.source.connect(ServiceRunner.CONTROL_DATABASE);
             var rs = c.createStatement().executeQuery("select state, status from provisioner.run where run_id = '" + runId + "'")) {
            rs.next();
            return Map.of("state", rs.getString(1), "status", rs.getString(2));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
