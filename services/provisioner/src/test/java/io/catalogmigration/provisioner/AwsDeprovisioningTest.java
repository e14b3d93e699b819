package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.provisioner.AwsStub.Call;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.catalogmigration.provisioner.RealParts.CATALOG_INSTANCE;
import static io.catalogmigration.provisioner.RealParts.CATALOG_VPC;
import static org.assertj.core.api.Assertions.assertThat;

class AwsDeprovisioningTest extends ProvisionerTestBase {

    @Test
    void confirmedDeprovisioningKeepsAFinalSnapshotAndRemovesEveryResourceOfTheMigration() {
        String migration = newMigration();
        TargetProvisioned target = send(awsTarget(migration, CATALOG_INSTANCE));
        String id = target.resources().dbInstanceIdentifier();
        int mark = parts.aws.calls().size();

        TargetDeprovisioned outcome = send(deprovisionAws(migration, id, true));

        var calls = parts.aws.callsSince(mark);
        var modify = AwsProvisioningTest.only(calls, "ModifyDBInstance");
        assertThat(modify.params()).containsEntry("DeletionProtection", "false").containsEntry("ApplyImmediately", "true");
        var delete = AwsProvisioningTest.only(calls, "DeleteDBInstance");
        assertThat(calls.indexOf(delete)).isGreaterThan(calls.indexOf(modify));
        assertThat(delete.params()).containsEntry("SkipFinalSnapshot", "false");
        assertThat(delete.param("FinalDBSnapshotIdentifier")).startsWith(id + "-final-");
        var afterDelete = calls.subList(calls.indexOf(delete), calls.size());
        assertThat(afterDelete).extracting(Call::action).as("the instance is gone before what it used is deleted")
                .containsSubsequence("DescribeDBInstances", "DescribeDBInstances", "DeleteDBParameterGroup",
                        "DeleteDBSubnetGroup", "DeleteSecurityGroup", "DeleteSecret");
        assertThat(AwsProvisioningTest.only(calls, "DeleteSecret").params()).containsEntry("RecoveryWindowInDays", "7");
        assertThat(AwsProvisioningTest.only(calls, "DeleteSecurityGroup").param("GroupId"))
                .isEqualTo(target.resources().securityGroupId());

        assertThat(outcome.finalSnapshotIdentifier()).isEqualTo(delete.param("FinalDBSnapshotIdentifier"));
        assertThat(outcome.deleted()).hasSize(5).anyMatch(d -> d.startsWith("DB instance " + id + " (final snapshot"))
                .anyMatch(d -> d.equals("DB parameter group " + target.resources().parameterGroup()))
                .anyMatch(d -> d.equals("DB subnet group " + id + "-subnets"))
                .anyMatch(d -> d.startsWith("security group " + target.resources().securityGroupId()))
                .anyMatch(d -> d.startsWith("secret " + target.resources().appUserSecretArn()));
        assertThat(outcome.alreadyGone()).isEmpty();
        assertThat(outcome.kept()).isEmpty();
        assertThat(parts.aws.rds.instances).doesNotContainKey(id);
    }

    @Test
    void deprovisioningAgainFindsEverythingGoneAndDeletesNothing() {
        String migration = newMigration();
        TargetProvisioned target = send(awsTarget(migration, CATALOG_INSTANCE));
        String id = target.resources().dbInstanceIdentifier();
        send(deprovisionAws(migration, id, true));
        int mark = parts.aws.calls().size();

        TargetDeprovisioned again = send(deprovisionAws(migration, id, true));

        assertThat(again.deleted()).isEmpty();
        assertThat(again.alreadyGone()).hasSize(5);
        assertThat(again.finalSnapshotIdentifier()).isNull();
        AwsProvisioningTest.assertNothingChangedSince(mark);
    }

    @Test
    void withoutConfirmationNothingIsDeleted() {
        String migration = newMigration();
        TargetProvisioned target = send(awsTarget(migration, CATALOG_INSTANCE));
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(deprovisionAws(migration, target.resources().dbInstanceIdentifier(), null));

        assertThat(outcome.reason()).contains("confirm is not true");
        assertThat(parts.aws.callsSince(mark)).isEmpty();
        assertThat(parts.aws.rds.instances).containsKey(target.resources().dbInstanceIdentifier());
    }

    @Test
    void anInstanceOfAnotherMigrationIsNeverDeleted() {
        String id = "catalog-shared-" + newMigration();
        parts.aws.rds.seedInstance(id, Map.of("migration-id", "someone-else"), Map.of());
        int mark = parts.aws.calls().size();

        ProvisionFailed outcome = send(deprovisionAws(newMigration(), id, true));

        assertThat(outcome.reason()).contains("DB instance " + id, "does not belong", "someone-else");
        AwsProvisioningTest.assertNothingChangedSince(mark);
    }

    @Test
    void aSecurityGroupWithTheMigrationsNameButNotItsTagIsLeftAlone() {
        String migration = newMigration();
        TargetProvisioned target = send(awsTarget(migration, CATALOG_INSTANCE));
        String id = target.resources().dbInstanceIdentifier();
        parts.aws.ec2.seedGroup(id + "-db", "vpc-0other", Map.of("team", "analytics"));

        TargetDeprovisioned outcome = send(deprovisionAws(migration, id, true));

        assertThat(outcome.kept()).singleElement().asString().contains(id + "-db");
        assertThat(parts.aws.ec2.group(id + "-db")).get().extracting(StubEc2.Group::vpc).isEqualTo("vpc-0other");
        assertThat(outcome.deleted()).anyMatch(d -> d.startsWith("security group " + target.resources().securityGroupId()));
        assertThat(CATALOG_VPC).isNotEqualTo("vpc-0other");
    }
}
