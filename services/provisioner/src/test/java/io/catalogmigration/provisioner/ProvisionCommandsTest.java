package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

/** Planning on its own, and commands that must fail before anything is measured or created. */
class ProvisionCommandsTest extends ProvisionerTestBase {

    @Test
    void planningMeasuresBothSourceDatabasesAndCreatesNothing() {
        int mark = parts.aws.calls().size();
        var command = new PlanTarget(UUID.randomUUID(), newMigration(), Instant.now(), source(), null, 300, 16);

        TargetPlanned outcome = send(command);

        var plan = outcome.plan();
        assertThat(plan.inputs().databaseBytes()).containsOnlyKeys("rosemeta", "lineage");
        assertThat(plan.inputs().databaseBytes().get("rosemeta"))
                .isEqualTo(parts.source.queryForLong("postgres", "select pg_database_size('rosemeta')"));
        assertThat(plan.inputs().databaseBytes().get("lineage"))
                .isEqualTo(parts.source.queryForLong("postgres", "select pg_database_size('lineage')"));
        assertThat(plan.inputs().objectCountMeasured()).isTrue();
        assertThat(plan.inputs().objectCount()).as("the generated catalog's rows").isGreaterThan(10_000);
        assertThat(plan.storageGb()).isEqualTo(20);
        assertThat(plan.instanceClass()).as("300 users are past the 150-user bands").isEqualTo("db.r6i.4xlarge");
        assertThat(plan.migrationWorkers()).isEqualTo(16);
        assertThat(plan.replicationParameters()).containsEntry("max_sync_workers_per_subscription", "16");
        assertThat(plan.reasoning()).isNotEmpty();
        assertThat(parts.aws.callsSince(mark)).isEmpty();
        assertThat(parts.source.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from provisioner.run where run_id = '"
                + command.commandId() + "' and status = 'SUCCEEDED' and plan->>'storageGb' = '20'")).isEqualTo(1);
    }

    @Test
    void anAwsCommandWithoutSourceInstanceIdFailsAndNothingIsCreated() {
        int mark = parts.aws.calls().size();
        var command = awsTarget(newMigration(), null);

        ProvisionFailed outcome = send(command);

        assertThat(outcome.reason()).startsWith("invalid ProvisionTarget").contains("sourceInstanceId (missing)");
        assertThat(outcome.action()).contains("nothing was created");
        assertThat(parts.aws.callsSince(mark)).isEmpty();
    }

    @Test
    void anUnknownProviderFailsAndNothingIsCreated() {
        int mark = parts.aws.calls().size();
        var aws = awsTarget(newMigration(), CATALOG_INSTANCE);
        var command = new ProvisionTarget(aws.commandId(), aws.migrationId(), aws.issuedAt(), aws.source(), "gcp", null, null,
                null, aws.region(), aws.sourceInstanceId(), null, null, null);

        ProvisionFailed outcome = send(command);

        assertThat(outcome.reason()).contains("unknown provider 'gcp'", "\"aws\"", "\"local\"");
        assertThat(outcome.provider()).isEqualTo("gcp");
        assertThat(parts.aws.callsSince(mark)).isEmpty();
    }

    @Test
    void aSourceSecretThatIsNotSetFailsWithoutItsValueAndNothingIsCreated() {
        int mark = parts.aws.calls().size();
        var real = source();
        var unset = new PgEndpoint(real.host(), real.port(), real.database(), real.user(), "disable", "env:PROVISIONER_TEST_NO_SUCH_SECRET");
        var aws = awsTarget(newMigration(), CATALOG_INSTANCE);
        var command = new ProvisionTarget(aws.commandId(), aws.migrationId(), aws.issuedAt(), unset, "aws", null, null, null,
                aws.region(), aws.sourceInstanceId(), null, null, null);

        ProvisionFailed outcome = send(command);

        assertThat(outcome.reason()).contains("env:PROVISIONER_TEST_NO_SUCH_SECRET", "is not set");
        assertThat(outcome.action()).contains("make the secret available");
        assertThat(parts.aws.callsSince(mark)).isEmpty();
    }

    @Test
    void everyProblemOfACommandIsNamedAtOnce() {
        var command = new ProvisionTarget(UUID.randomUUID(), "no spaces please", Instant.now(), null, "aws", -1L, null, 0,
                "mars-1", "i-123", "1-bad--name", "sixteen", null);

        ProvisionFailed outcome = send(command);

        assertThat(outcome.reason()).contains("migrationId 'no spaces please'", "source is missing", "objectCount -1",
                "sourceCpuCount 0", "region 'mars-1'", "dbInstanceIdentifier '1-bad--name'", "sourceInstanceId 'i-123'",
                "engineVersion 'sixteen'");
    }

    @Test
    void theLocalProviderWithoutATargetFailsAndNothingIsCreated() {
        var local = localTarget(newMigration());
        var command = new ProvisionTarget(local.commandId(), local.migrationId(), local.issuedAt(), local.source(), "local",
                null, null, null, null, null, null, null, null);

        ProvisionFailed outcome = send(command);

        assertThat(outcome.reason()).contains("target is missing");
        assertThat(parts.target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'alation'")).isZero();
    }

    @Test
    void malformedJsonAndUnknownCommandsGoToTheDeadLetterTopic() {
        String key = "bad-" + UUID.randomUUID();
        parts.commands.sendRaw(Topics.PROVISION_COMMAND, key, "{\"type\":\"ProvisionTarget\", this is not json");
        parts.commands.sendRaw(Topics.PROVISION_COMMAND, key, "{\"type\":\"ProvisionEverything\",\"commandId\":\"" + UUID.randomUUID() + "\"}");

        var first = parts.events.awaitRecord(Topics.deadLetter(Topics.PROVISION_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("this is not json"), Duration.ofSeconds(20));
        var second = parts.events.awaitRecord(Topics.deadLetter(Topics.PROVISION_COMMAND),
                r -> key.equals(r.key()) && r.value().contains("ProvisionEverything"), Duration.ofSeconds(20));

        assertThat(first.headers()).containsKey("kafka_dlt-exception-message");
        assertThat(second.headers().get("kafka_dlt-exception-message")).isNotBlank();
    }
}
