package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import static io.catalogmigration.provisioner.AwsProvisioner.call;

/**
 * Removes what this migration created, in the order AWS allows (the instance first, then what it used), and only
 * resources tagged with its migration id. Running it again finds what is already gone and says so.
 */
record AwsDeprovisioner(AwsClients clients, ProvisionerProperties settings) {

    static final int STEPS = 5;

    TargetDeprovisioned deprovision(DeprovisionTarget command, RunSteps run) {
        var aws = clients.in(command.region());
        String id = command.dbInstanceIdentifier();
        var names = ResourceNames.of(id, settings.appUser());
        String migration = command.migrationId();
        List<String> deleted = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> kept = new ArrayList<>();

        var instance = call("looking up DB instance " + id, () -> RdsInstance.find(aws.rds(), id));
        String snapshot = null;
        var parameterGroups = new TreeSet<String>();
        if (instance.isEmpty()) {
            gone.add("DB instance " + id);
        } else {
            // Someone else's instance under this name: stop before anything at all is deleted.
            Ownership.require(RdsInstance.tags(instance.get()), migration, "DB instance " + id);
            snapshot = deleteInstance(aws.rds(), instance.get(), Boolean.TRUE.equals(command.skipFinalSnapshot()), run);
            deleted.add("DB instance " + id + (snapshot == null ? " (no final snapshot)" : " (final snapshot " + snapshot + ")"));
        }
        run.step("instance", instance.isEmpty() ? "DB instance " + id + " does not exist" : "DB instance " + id + " deleted");

        // Named after the instance and its major version: every group of that name (any major) is a candidate.
        call("deleting DB parameter groups of " + id, () -> {
            aws.rds().describeDBParameterGroupsPaginator(b -> b.maxRecords(100)).dbParameterGroups().stream()
                    .filter(g -> g.dbParameterGroupName().startsWith(id + "-postgres")).forEach(group -> {
                        parameterGroups.add(group.dbParameterGroupName());
                        if (Ownership.ours(RdsGroups.tagsOf(aws.rds(), group.dbParameterGroupArn()), migration)) {
                            aws.rds().deleteDBParameterGroup(b -> b.dbParameterGroupName(group.dbParameterGroupName()));
                            deleted.add("DB parameter group " + group.dbParameterGroupName());
                        } else {
                            kept.add("DB parameter group " + group.dbParameterGroupName());
                        }
                    });
            return null;
        });
        if (parameterGroups.isEmpty()) {
            gone.add("DB parameter group " + id + "-postgres*");
        }
        run.step("parameter-group", "DB parameter groups handled: " + parameterGroups);

        call("deleting DB subnet group " + names.subnetGroup(), () -> {
            try {
                var group = aws.rds().describeDBSubnetGroups(b -> b.dbSubnetGroupName(names.subnetGroup())).dbSubnetGroups().get(0);
                if (Ownership.ours(RdsGroups.tagsOf(aws.rds(), group.dbSubnetGroupArn()), migration)) {
                    aws.rds().deleteDBSubnetGroup(b -> b.dbSubnetGroupName(names.subnetGroup()));
                    deleted.add("DB subnet group " + names.subnetGroup());
                } else {
                    kept.add("DB subnet group " + names.subnetGroup());
                }
            } catch (DbSubnetGroupNotFoundException e) {
                gone.add("DB subnet group " + names.subnetGroup());
            }
            return null;
        });
        run.step("subnet-group", "DB subnet group " + names.subnetGroup() + " handled");

        call("deleting security group " + names.securityGroup(), () -> {
            var groups = aws.ec2().describeSecurityGroups(b -> b.filters(Ec2Network.filter("group-name", names.securityGroup())))
                    .securityGroups();
            if (groups.isEmpty()) {
                gone.add("security group " + names.securityGroup());
            }
            for (var group : groups) {
                if (Ownership.ours(Ownership.tags(group.tags(), Tag::key, Tag::value), migration)) {
                    aws.ec2().deleteSecurityGroup(b -> b.groupId(group.groupId()));
                    deleted.add("security group " + group.groupId() + " (" + names.securityGroup() + ")");
                } else {
                    kept.add("security group " + group.groupId() + " (" + names.securityGroup() + ")");
                }
            }
            return null;
        });
        run.step("security-group", "security group " + names.securityGroup() + " handled");

        call("deleting secret " + names.secret(), () -> {
            var secret = AppUserSecret.find(aws.secrets(), names.secret());
            if (secret.isEmpty() || secret.get().deletedDate() != null) {
                gone.add("secret " + names.secret());
            } else if (Ownership.ours(AppUserSecret.tags(secret.get()), migration)) {
                aws.secrets().deleteSecret(b -> b.secretId(secret.get().arn())
                        .recoveryWindowInDays((long) settings.aws().secretRecoveryDays()));
                deleted.add("secret " + secret.get().arn() + " (restorable for " + settings.aws().secretRecoveryDays() + " days)");
            } else {
                kept.add("secret " + names.secret());
            }
            return null;
        });
        run.step("app-user-secret", "secret " + names.secret() + " handled");
        kept.forEach(k -> run.note("left alone, not tagged for migration " + migration + ": " + k));
        return new TargetDeprovisioned(UUID.randomUUID(), migration, Instant.now(), run.runId(), ProvisionCommand.AWS,
                List.copyOf(deleted), List.copyOf(gone), List.copyOf(kept), snapshot);
    }

    /** Deletion protection comes off first (it is on by design); a final snapshot is kept unless told otherwise. */
    private String deleteInstance(RdsClient rds, DBInstance instance, boolean skipSnapshot, RunSteps run) {
        String id = instance.dbInstanceIdentifier();
        String snapshot = null;
        if (!"deleting".equals(instance.dbInstanceStatus())) {
            if (Boolean.TRUE.equals(instance.deletionProtection())) {
                call("turning off deletion protection of " + id, () -> rds.modifyDBInstance(b -> b.dbInstanceIdentifier(id)
                        .deletionProtection(false).applyImmediately(true)));
                run.note("deletion protection of DB instance " + id + " turned off to delete it");
                call("waiting for DB instance " + id, () -> RdsInstance.awaitAvailable(rds, id, settings.aws(), run));
            }
            snapshot = skipSnapshot ? null : ResourceNames.of(id, settings.appUser()).finalSnapshot(Instant.now());
            String finalSnapshot = snapshot;
            call("deleting DB instance " + id, () -> rds.deleteDBInstance(b -> b.dbInstanceIdentifier(id)
                    .skipFinalSnapshot(skipSnapshot).finalDBSnapshotIdentifier(finalSnapshot)));
        }
        call("waiting for DB instance " + id + " to be deleted", () -> {
            RdsInstance.awaitDeleted(rds, id, settings.aws(), run);
            return null;
        });
        return snapshot;
    }
}
