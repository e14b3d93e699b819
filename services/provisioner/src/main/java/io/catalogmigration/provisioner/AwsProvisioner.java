package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.ProvisionedResources;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.run.MigrationProblem;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runbook step 4 with the AWS SDK: the catalog host's VPC, a security group open to that host only, a subnet
 * group over two or more zones, a parameter group for logical replication, a Multi-AZ encrypted private instance,
 * then the application user's secret. Each resource is looked up first and adopted when an earlier attempt of this
 * migration made it, so the whole sequence can simply run again after any failure or restart.
 */
record AwsProvisioner(AwsClients clients, ProvisionerProperties settings) {

    static final int STEPS = 8;

    TargetProvisioned provision(ProvisionTarget command, TargetPlan plan, int sourceMajor, RunSteps run) {
        var aws = clients.in(command.region());
        var awsSettings = settings.aws();
        String id = identifier(command);
        var names = ResourceNames.of(id, settings.appUser());
        String migration = command.migrationId();

        var network = call("looking up EC2 instance " + command.sourceInstanceId(),
                () -> Ec2Network.locate(aws.ec2(), command.sourceInstanceId(), command.region()));
        run.step("network", "catalog host " + network.instanceId() + " is in " + network.vpcId() + " with subnets in "
                + network.zones());

        // An instance with this name that is not ours (or is misconfigured) stops the run before anything is created.
        var existing = call("looking up DB instance " + id, () -> RdsInstance.find(aws.rds(), id));
        existing.ifPresent(i -> RdsInstance.check(i, migration, names.subnetGroup(), plan).forEach(run::note));
        int major = existing.map(i -> EngineVersions.major(i.engineVersion()))
                .orElseGet(() -> EngineVersions.targetMajor(command.engineVersion(), sourceMajor, awsSettings.minimumEngineMajor()));
        String engineVersion = command.engineVersion() != null ? command.engineVersion() : Integer.toString(major);
        run.step("checking", existing.isPresent() ? "DB instance " + id + " exists from an earlier attempt of this migration"
                : "no DB instance " + id + " yet: it will be PostgreSQL " + engineVersion);

        String securityGroup = call("creating security group " + names.securityGroup(), () -> Ec2Network.ensureSecurityGroup(
                aws.ec2(), names, network, awsSettings.port(), migration, run));
        run.step("security-group", "security group " + securityGroup + " admits port " + awsSettings.port() + " from "
                + network.sourceSecurityGroups() + " only");

        call("creating DB subnet group " + names.subnetGroup(), () -> {
            RdsGroups.ensureSubnetGroup(aws.rds(), names, network, migration, run);
            return null;
        });
        run.step("subnet-group", "DB subnet group " + names.subnetGroup() + " spans " + network.zones());

        String parameterGroup = names.parameterGroup(major);
        call("creating DB parameter group " + parameterGroup, () -> {
            RdsGroups.ensureParameterGroup(aws.rds(), parameterGroup, major, plan.replicationParameters(), migration, run);
            return null;
        });
        run.step("parameter-group", "DB parameter group " + parameterGroup + " sets " + plan.replicationParameters());

        if (existing.isEmpty()) {
            var spec = new RdsInstance.Spec(id, plan, engineVersion, names.subnetGroup(), securityGroup, parameterGroup, awsSettings);
            call("creating DB instance " + id, () -> {
                RdsInstance.create(aws.rds(), spec, migration);
                return null;
            });
        }
        run.resource(existing.isPresent() ? "DB instance " + id : "DB instance " + id + " (" + plan.instanceClass() + ", "
                + plan.storageGb() + " GiB gp3, Multi-AZ)", existing.isPresent());
        run.step("creating-instance", "DB instance " + id + " requested; waiting until it is available");

        var instance = call("waiting for DB instance " + id, () -> RdsInstance.awaitAvailable(aws.rds(), id, awsSettings, run));
        run.step("instance-available", "DB instance " + id + " is available at " + instance.endpoint().address() + ":"
                + instance.endpoint().port());

        String secretArn = call("storing the password of " + settings.appUser() + " in Secrets Manager",
                () -> AppUserSecret.ensure(aws.secrets(), names, settings.appUser(), instance, migration, run));
        run.step("app-user-secret", "the password of " + settings.appUser() + " is in secret " + secretArn);

        String adminSecretArn = instance.masterUserSecret() == null ? null : instance.masterUserSecret().secretArn();
        return new TargetProvisioned(UUID.randomUUID(), migration, Instant.now(), run.runId(), ProvisionCommand.AWS,
                instance.endpoint().address(), instance.endpoint().port(), settings.databases(), instance.masterUsername(),
                adminSecretArn == null ? null : "aws-secretsmanager:" + adminSecretArn + "#password", settings.appUser(),
                "aws-secretsmanager:" + secretArn + "#password",
                new ProvisionedResources(id, instance.dbInstanceArn(), names.subnetGroup(), securityGroup, parameterGroup,
                        network.vpcId(), adminSecretArn, secretArn),
                plan, run.notes());
    }

    static String identifier(ProvisionTarget command) {
        return command.dbInstanceIdentifier() != null ? command.dbInstanceIdentifier()
                : ResourceNames.defaultInstanceIdentifier(command.migrationId());
    }

    /** What AWS refuses becomes a MigrationProblem naming the call; an interruption (shutdown) passes through. */
    static <T> T call(String doing, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            if (Interruption.stopping(e)) {
                throw e;
            }
            throw AwsFailure.of(doing, e);
        }
    }
}
