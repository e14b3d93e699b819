package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.run.MigrationProblem;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** The RDS instance itself: found and checked, created, and waited for with the SDK's own waiters. */
class RdsInstance {

    private static final Set<String> BROKEN = Set.of("deleting", "failed", "incompatible-restore",
            "incompatible-parameters", "incompatible-network", "storage-full", "inaccessible-encryption-credentials");

    /** What the new instance is made of. */
    record Spec(String identifier, TargetPlan plan, String engineVersion, String subnetGroup, String securityGroupId,
                String parameterGroup, ProvisionerProperties.Aws settings) {
    }

    static Optional<DBInstance> find(RdsClient rds, String identifier) {
        try {
            return rds.describeDBInstances(b -> b.dbInstanceIdentifier(identifier)).dbInstances().stream().findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * An instance of this migration may be adopted if it still has the settings the runbook requires; anything else
     * stops the run before a resource is created. A different class or size only earns a note.
     */
    static List<String> check(DBInstance instance, String migrationId, String subnetGroup, TargetPlan plan) {
        String what = "DB instance " + instance.dbInstanceIdentifier();
        Ownership.require(tags(instance), migrationId, what);
        List<String> conflicts = new ArrayList<>();
        if (!"postgres".equals(instance.engine())) conflicts.add("engine is " + instance.engine() + ", not postgres");
        if (Boolean.TRUE.equals(instance.publiclyAccessible())) conflicts.add("it is publicly accessible");
        if (!Boolean.TRUE.equals(instance.storageEncrypted())) conflicts.add("its storage is not encrypted");
        if (!Boolean.TRUE.equals(instance.multiAZ())) conflicts.add("it is not Multi-AZ");
        if (instance.dbSubnetGroup() != null && !subnetGroup.equals(instance.dbSubnetGroup().dbSubnetGroupName())) {
            conflicts.add("it is in DB subnet group " + instance.dbSubnetGroup().dbSubnetGroupName() + ", not " + subnetGroup);
        }
        if (BROKEN.contains(instance.dbInstanceStatus())) conflicts.add("its status is " + instance.dbInstanceStatus());
        if (!conflicts.isEmpty()) {
            throw MigrationProblem.withCode(what + " of this migration has conflicting settings: " + String.join("; ", conflicts),
                    "it was changed after it was created, or it is broken: fix it in the RDS console, or remove it with "
                            + "DeprovisionTarget and provision again with a new commandId", null);
        }
        List<String> notes = new ArrayList<>();
        if (!plan.instanceClass().equals(instance.dbInstanceClass())) {
            notes.add(what + " is " + instance.dbInstanceClass() + "; the plan now says " + plan.instanceClass()
                    + ": modify the instance class if the difference matters");
        }
        if (instance.allocatedStorage() != null && instance.allocatedStorage() < plan.storageGb()) {
            notes.add(what + " has " + instance.allocatedStorage() + " GiB; the plan now says " + plan.storageGb()
                    + " GiB: increase its storage before replicating");
        }
        return notes;
    }

    static Map<String, String> tags(DBInstance instance) {
        return Ownership.tags(instance.tagList(), Tag::key, Tag::value);
    }

    static void create(RdsClient rds, Spec spec, String migrationId) {
        var settings = spec.settings();
        rds.createDBInstance(b -> b.dbInstanceIdentifier(spec.identifier())
                .engine("postgres").engineVersion(spec.engineVersion())
                .dbInstanceClass(spec.plan().instanceClass())
                .allocatedStorage(spec.plan().storageGb()).storageType("gp3")
                .multiAZ(true).storageEncrypted(true).publiclyAccessible(false).deletionProtection(true)
                .backupRetentionPeriod(settings.backupRetentionDays()).copyTagsToSnapshot(true)
                // RDS generates the admin password and keeps it in Secrets Manager: it never passes through here.
                .masterUsername(settings.masterUsername()).manageMasterUserPassword(true)
                .port(settings.port())
                .dbSubnetGroupName(spec.subnetGroup()).vpcSecurityGroupIds(spec.securityGroupId())
                .dbParameterGroupName(spec.parameterGroup())
                .tags(RdsGroups.tags(migrationId)));
    }

    static DBInstance awaitAvailable(RdsClient rds, String identifier, ProvisionerProperties.Aws settings, RunSteps run) {
        return await(rds, identifier, settings, run, "waiting-for-instance", RdsWaiter::waitUntilDBInstanceAvailable)
                .dbInstances().get(0);
    }

    static void awaitDeleted(RdsClient rds, String identifier, ProvisionerProperties.Aws settings, RunSteps run) {
        await(rds, identifier, settings, run, "waiting-for-deletion", RdsWaiter::waitUntilDBInstanceDeleted);
    }

    /** One of RdsWaiter's waits, e.g. {@code RdsWaiter::waitUntilDBInstanceAvailable}. */
    interface Wait {
        WaiterResponse<DescribeDbInstancesResponse> on(RdsWaiter waiter, DescribeDbInstancesRequest request,
                                                       WaiterOverrideConfiguration override);
    }

    /**
     * The SDK's waiter does the polling (and its acceptors decide success and failure); every answer it gets is
     * reported as progress through {@link AwsClients#WAIT_OBSERVER}.
     */
    private static DescribeDbInstancesResponse await(RdsClient rds, String identifier, ProvisionerProperties.Aws settings,
                                                     RunSteps run, String phase, Wait wait) {
        long started = System.nanoTime();
        var lastStatus = new AtomicReference<>("unknown");
        Function<DescribeDbInstancesResponse, String> status = r -> r.dbInstances().isEmpty() ? "gone"
                : r.dbInstances().get(0).dbInstanceStatus();
        var request = DescribeDbInstancesRequest.builder().dbInstanceIdentifier(identifier)
                .overrideConfiguration(o -> o.putExecutionAttribute(AwsClients.WAIT_OBSERVER, response -> {
                    lastStatus.set(status.apply(response));
                    long waited = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    run.waiting(phase, waited, settings.waitMax().toSeconds(), "DB instance " + identifier + " is " + lastStatus.get());
                })).build();
        var override = WaiterOverrideConfiguration.builder()
                .waitTimeout(settings.waitMax()).maxAttempts(Integer.MAX_VALUE)
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(settings.waitPollInterval())).build();
        try (var waiter = RdsWaiter.builder().client(rds).build()) {
            var response = wait.on(waiter, request, override);
            if (response.matched().exception().isPresent()) {
                // The deletion waiter succeeds on DBInstanceNotFound: there is no response to return then.
                return DescribeDbInstancesResponse.builder().build();
            }
            return response.matched().response().orElseThrow();
        } catch (SdkClientException e) {
            if (Interruption.stopping(e)) {
                throw e;
            }
            throw MigrationProblem.withCode("DB instance " + identifier + " did not reach the expected state (" + phase
                    + ") within " + settings.waitMax() + "; its last status was " + lastStatus.get() + " (" + e.getMessage() + ")",
                    "look at the instance's events in the RDS console; when it is fixed send the command again with a new "
                            + "commandId (the instance is adopted), or raise provisioner.aws.wait-max if it was only slow", null);
        }
    }
}
