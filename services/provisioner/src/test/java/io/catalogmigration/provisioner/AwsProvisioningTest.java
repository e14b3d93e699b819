package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.provisioner.AwsStub.Call;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static io.catalogmigration.provisioner.RealParts.CATALOG_SECURITY_GROUP;
import static io.catalogmigration.provisioner.RealParts.CATALOG_VPC;
import static io.catalogmigration.provisioner.RealParts.SINGLE_ZONE_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

class AwsProvisioningTest extends ProvisionerTestBase {

    @Test
    void provisioningCreatesAPrivateEncryptedMultiAzInstanceInTheCatalogsVpcWithEverythingTaggedAndWaitsUntilItIsAvailable() {
        String migration = newMigration();
        String id = "catalog-" + migration;
        int mark = parts.aws.calls().size();

        TargetProvisioned outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        var calls = parts.aws.callsSince(mark);
        var expectedTags = Map.of("migration-id", migration, "managed-by", "catalog-migration");

        var group = only(calls, "CreateSecurityGroup");
        assertThat(group.param("GroupName")).isEqualTo(id + "-db");
        assertThat(group.param("VpcId")).isEqualTo(CATALOG_VPC);
        assertThat(group.param("TagSpecification.1.ResourceType")).isEqualTo("security-group");
        assertThat(group.tags()).containsAllEntriesOf(expectedTags);
        var ingress = only(calls, "AuthorizeSecurityGroupIngress");
        assertThat(ingress.param("IpPermissions.1.IpProtocol")).isEqualTo("tcp");
        assertThat(ingress.param("IpPermissions.1.FromPort")).isEqualTo("5432");
        assertThat(ingress.param("IpPermissions.1.ToPort")).isEqualTo("5432");
        assertThat(ingress.list("IpPermissions.1.Groups").stream().filter(v -> v.startsWith("sg-")).toList())
                .as("admitted: the catalog host's security group, nothing else").containsExactly(CATALOG_SECURITY_GROUP);
        assertThat(ingress.params().keySet()).noneMatch(k -> k.contains("IpRanges") || k.contains("CidrIp"));

        var subnets = only(calls, "CreateDBSubnetGroup");
        assertThat(subnets.param("DBSubnetGroupName")).isEqualTo(id + "-subnets");
        assertThat(subnets.list("SubnetIds")).containsExactly("subnet-0aaa", "subnet-0bbb", "subnet-0ccc");
        assertThat(subnets.tags()).containsAllEntriesOf(expectedTags);

        int major = (int) (parts.source.queryForLong("postgres", "show server_version_num") / 10_000);
        var parameterGroup = only(calls, "CreateDBParameterGroup");
        assertThat(parameterGroup.param("DBParameterGroupName")).isEqualTo(id + "-postgres" + major);
        assertThat(parameterGroup.param("DBParameterGroupFamily")).isEqualTo("postgres" + Math.max(14, major));
        assertThat(parameterGroup.tags()).containsAllEntriesOf(expectedTags);
        assertThat(parameters(only(calls, "ModifyDBParameterGroup"))).containsEntry("rds.logical_replication", "1")
                .containsKeys("max_replication_slots", "max_wal_senders", "max_logical_replication_workers",
                        "max_worker_processes", "max_sync_workers_per_subscription")
                .containsEntry("max_sync_workers_per_subscription", "4");

        var create = only(calls, "CreateDBInstance");
        assertThat(create.params()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("DBInstanceIdentifier", id), Map.entry("Engine", "postgres"),
                Map.entry("EngineVersion", Integer.toString(Math.max(14, major))),
                Map.entry("DBInstanceClass", "db.m6i.xlarge"), Map.entry("AllocatedStorage", "20"),
                Map.entry("StorageType", "gp3"), Map.entry("MultiAZ", "true"), Map.entry("StorageEncrypted", "true"),
                Map.entry("PubliclyAccessible", "false"), Map.entry("DeletionProtection", "true"),
                Map.entry("BackupRetentionPeriod", "7"), Map.entry("ManageMasterUserPassword", "true"),
                Map.entry("MasterUsername", "postgres"), Map.entry("CopyTagsToSnapshot", "true"), Map.entry("Port", "5432"),
                Map.entry("DBSubnetGroupName", id + "-subnets"), Map.entry("DBParameterGroupName", id + "-postgres" + major)));
        assertThat(create.list("VpcSecurityGroupIds")).containsExactly(outcome.resources().securityGroupId());
        assertThat(create.params().keySet()).as("no admin password is sent: RDS manages it").doesNotContain("MasterUserPassword");
        assertThat(create.tags()).containsAllEntriesOf(expectedTags);

        var afterCreate = calls.subList(calls.indexOf(create), calls.size());
        assertThat(afterCreate.stream().filter(c -> c.action().equals("DescribeDBInstances")).count())
                .as("the waiter asks until the instance is available: creating, creating, available").isEqualTo(3);
        assertThat(parts.events.progress(migration)).map(ProgressReported.class::cast)
                .anySatisfy(p -> assertThat(p.message()).contains(id + " is creating"));

        var secretCall = only(calls, "CreateSecret");
        assertThat(secretCall.param("Name")).isEqualTo("catalog-migration/" + id + "/alation");
        assertThat(secretCall.tags()).containsAllEntriesOf(expectedTags);
        var secret = JsonMapper.shared().readTree(secretCall.param("SecretString"));
        assertThat(secret.get("username").asString()).isEqualTo("alation");
        assertThat(secret.get("host").asString()).isEqualTo(outcome.host());
        String password = secret.get("password").asString();
        assertThat(password).hasSize(32).matches("[A-Za-z0-9]+");
        var lastDescribe = afterCreate.stream().filter(c -> c.action().equals("DescribeDBInstances")).reduce((a, b) -> b).orElseThrow();
        assertThat(calls.indexOf(secretCall)).as("the secret is stored once the instance is available")
                .isGreaterThan(calls.indexOf(lastDescribe));

        assertThat(outcome.provider()).isEqualTo("aws");
        assertThat(outcome.host()).isEqualTo(id + ".cabc123.us-east-1.rds.amazonaws.com");
        assertThat(outcome.port()).isEqualTo(5432);
        assertThat(outcome.databases()).containsExactly("rosemeta", "lineage");
        assertThat(outcome.adminUser()).isEqualTo("postgres");
        assertThat(outcome.adminSecretRef()).startsWith("aws-secretsmanager:arn:aws:secretsmanager:").endsWith("#password");
        assertThat(outcome.appUserSecretRef()).isEqualTo("aws-secretsmanager:" + outcome.resources().appUserSecretArn() + "#password");
        assertThat(outcome.resources().dbInstanceIdentifier()).isEqualTo(id);
        assertThat(outcome.resources().vpcId()).isEqualTo(CATALOG_VPC);
        assertThat(outcome.plan().storageGb()).isEqualTo(20);
        assertThat(outcome.notes()).isEmpty();
        assertThat(ledgerRun(outcome.runId())).isEqualTo(Map.of("state", "FINISHED", "status", "SUCCEEDED"));
        assertNoneCrossedTheBroker(password, parts.source.password(), parts.target.password());
        assertNotInTheLedger(password);
    }

    @Test
    void aSecondAttemptOfTheSameMigrationAdoptsWhatTheFirstCreatedAndCreatesNothing() {
        String migration = newMigration();
        TargetProvisioned first = send(awsTarget(migration, CATALOG_INSTANCE));
        int mark = parts.aws.calls().size();

        TargetProvisioned second = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(parts.aws.callsSince(mark)).extracting(Call::action)
                .noneMatch(a -> a.startsWith("Create") || a.startsWith("Modify") || a.startsWith("Authorize") || a.startsWith("Delete"));
        assertThat(second.resources()).isEqualTo(first.resources());
        assertThat(second.appUserSecretRef()).isEqualTo(first.appUserSecretRef());
        assertThat(second.notes()).anyMatch(n -> n.contains("adopted DB instance catalog-" + migration))
                .anyMatch(n -> n.contains("adopted security group")).anyMatch(n -> n.contains("adopted secret"));
    }

    @Test
    void aRedeliveredCommandCreatesOnceAndAnswersOnce() throws InterruptedException {
        String migration = newMigration();
        var command = awsTarget(migration, CATALOG_INSTANCE);

        publish(command);
        send(command);
        Thread.sleep(1_000); // room for a second, wrong, outcome

        assertThat(parts.events.outcomes(command.commandId())).hasSize(1);
        assertThat(parts.aws.calls("CreateDBInstance")).filteredOn(c -> c.param("DBInstanceIdentifier").equals("catalog-" + migration))
                .hasSize(1);
        assertThat(parts.source.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from provisioner.run where run_id = '" + command.commandId() + "'")).isEqualTo(1);
    }

    @Test
    void anInstanceOfAnotherMigrationUnderTheSameNameStopsTheRunBeforeAnythingIsCreated() {
        String migration = newMigration();
        parts.aws.rds.seedInstance("catalog-" + migration, Map.of("migration-id", "someone-else"), Map.of());
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(outcome.reason()).contains("DB instance catalog-" + migration, "does not belong to migration " + migration,
                "tagged migration-id=someone-else");
        assertThat(outcome.action()).contains("another dbInstanceIdentifier");
        assertThat(outcome.resourcesLeft()).isEmpty();
        assertNothingChangedSince(mark);
    }

    @Test
    void anUntaggedInstanceUnderTheSameNameIsNotAdoptedEither() {
        String migration = newMigration();
        parts.aws.rds.seedInstance("catalog-" + migration, Map.of(), Map.of());
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(outcome.reason()).contains("has no migration-id tag");
        assertNothingChangedSince(mark);
    }

    @Test
    void anInstanceOfThisMigrationWhoseSettingsNoLongerHoldFailsWithEveryConflictNamed() {
        String migration = newMigration();
        parts.aws.rds.seedInstance("catalog-" + migration, Map.of("migration-id", migration),
                Map.of("PubliclyAccessible", "true", "StorageEncrypted", "false"));
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(outcome.reason()).contains("conflicting settings", "publicly accessible", "not encrypted",
                "DB subnet group other-subnets");
        assertNothingChangedSince(mark);
    }

    @ParameterizedTest(name = "{1} on {0} fails the run with that code")
    @CsvSource({
            "CreateSecurityGroup,   UnauthorizedOperation,          IAM permissions",
            "CreateDBInstance,      AccessDenied,                   IAM permissions",
            "CreateDBInstance,      InsufficientDBInstanceCapacity, no capacity for this instance class",
            "CreateDBInstance,      InstanceQuotaExceeded,          Service Quotas",
            "CreateDBInstance,      StorageQuotaExceeded,           Service Quotas",
            "CreateDBSubnetGroup,   DBSubnetGroupQuotaExceeded,     Service Quotas"})
    void whatAwsRefusesFailsTheRunWithItsCodeAndWhatToDo(String action, String code, String advice) {
        String migration = newMigration();
        parts.aws.fail(action, c -> c.params().toString().contains(migration), code);

        ProvisionFailed outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(outcome.awsErrorCode()).isEqualTo(code);
        assertThat(outcome.reason()).contains("refused by AWS (" + code + ")");
        assertThat(outcome.action()).contains(advice);
        assertThat(outcome.provider()).isEqualTo("aws");
        assertThat(parts.aws.calls(action)).as("a refusal is not retried").filteredOn(c -> c.params().toString().contains(migration))
                .hasSize(1);
        if (!action.equals("CreateDBInstance")) {
            assertThat(parts.aws.calls("CreateDBInstance")).as("no instance after a failed earlier step")
                    .noneMatch(c -> c.param("DBInstanceIdentifier").equals("catalog-" + migration));
        } else {
            assertThat(outcome.resourcesLeft()).as("what a retry will adopt").hasSize(3)
                    .anyMatch(r -> r.startsWith("security group")).anyMatch(r -> r.startsWith("DB subnet group"))
                    .anyMatch(r -> r.startsWith("DB parameter group"));
        }
        assertThat(ledgerRun(outcome.runId())).isEqualTo(Map.of("state", "FINISHED", "status", "FAILED"));
    }

    @Test
    void throttlingIsRetriedByTheSdkAndTheRunCarriesOn() {
        String migration = newMigration();
        parts.aws.failTimes("CreateDBSubnetGroup", c -> c.params().toString().contains(migration), "Throttling", 1);
        parts.aws.failTimes("CreateSecret", c -> c.params().toString().contains(migration), "ThrottlingException", 1);

        TargetProvisioned outcome = send(awsTarget(migration, CATALOG_INSTANCE));

        assertThat(outcome.resources().dbSubnetGroup()).isEqualTo("catalog-" + migration + "-subnets");
        assertThat(parts.aws.calls("CreateDBSubnetGroup")).filteredOn(c -> c.param("DBSubnetGroupName").contains(migration)).hasSize(2);
        assertThat(parts.aws.calls("CreateSecret")).filteredOn(c -> c.param("Name").contains(migration)).hasSize(2);
        assertThat(parts.aws.rds.subnetGroups).containsKey("catalog-" + migration + "-subnets");
    }

    @Test
    void aVpcWithSubnetsInOneZoneFailsBeforeAnythingIsCreated() {
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(awsTarget(newMigration(), SINGLE_ZONE_INSTANCE));

        assertThat(outcome.reason()).contains("vpc-0single", "1 availability zone(s) [us-east-1a]", "at least 2");
        assertThat(outcome.action()).contains("add a subnet in another availability zone");
        assertNothingChangedSince(mark);
    }

    @Test
    void anUnknownSourceInstanceFailsBeforeAnythingIsCreated() {
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(awsTarget(newMigration(), "i-0ffffffffffffffff"));

        assertThat(outcome.reason()).contains("EC2 instance i-0ffffffffffffffff does not exist in us-east-1");
        assertNothingChangedSince(mark);
    }

    static void assertNothingChangedSince(int mark) {
        assertThat(parts.aws.callsSince(mark)).extracting(Call::action).isNotEmpty()
                .allMatch(a -> a.startsWith("Describe") || a.startsWith("List"));
    }

    static Call only(List<Call> calls, String action) {
        var matching = calls.stream().filter(c -> c.action().equals(action)).toList();
        assertThat(matching).as(action + " calls").hasSize(1);
        return matching.get(0);
    }

    static Map<String, String> parameters(Call modify) {
        var parameters = new java.util.LinkedHashMap<String, String>();
        for (int i = 1; modify.param("Parameters.Parameter." + i + ".ParameterName") != null; i++) {
            assertThat(modify.param("Parameters.Parameter." + i + ".ApplyMethod")).isEqualTo("pending-reboot");
            parameters.put(modify.param("Parameters.Parameter." + i + ".ParameterName"),
                    modify.param("Parameters.Parameter." + i + ".ParameterValue"));
        }
        return parameters;
    }
}
