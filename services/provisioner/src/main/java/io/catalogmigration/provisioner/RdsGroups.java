package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The target's DB subnet group and parameter group: created once per migration, adopted on every later attempt. */
class RdsGroups {

    static void ensureSubnetGroup(RdsClient rds, ResourceNames names, Ec2Network.SourceNetwork network, String migrationId,
                                  RunSteps run) {
        String what = "DB subnet group " + names.subnetGroup();
        try {
            var group = rds.describeDBSubnetGroups(b -> b.dbSubnetGroupName(names.subnetGroup())).dbSubnetGroups().get(0);
            Ownership.require(tagsOf(rds, group.dbSubnetGroupArn()), migrationId, what);
            if (!network.vpcId().equals(group.vpcId())) {
                throw MigrationProblem.withCode(what + " is in VPC " + group.vpcId() + ", not in the catalog host's VPC "
                        + network.vpcId(), "deprovision this migration's target first (DeprovisionTarget), then provision "
                        + "again with the right sourceInstanceId", null);
            }
            run.resource(what, true);
        } catch (DbSubnetGroupNotFoundException e) {
            rds.createDBSubnetGroup(b -> b.dbSubnetGroupName(names.subnetGroup()).subnetIds(network.subnetIds())
                    .dbSubnetGroupDescription("Subnets of " + network.vpcId() + " in " + network.zones() + " (catalog-migration "
                            + migrationId + ")")
                    .tags(tags(migrationId)));
            run.resource(what + " in " + network.zones(), false);
        }
    }

    /** Creates or adopts the group, then sets only the parameters that differ from the plan. */
    static void ensureParameterGroup(RdsClient rds, String name, int major, Map<String, String> parameters,
                                     String migrationId, RunSteps run) {
        String family = "postgres" + major;
        String what = "DB parameter group " + name;
        Map<String, String> current = new HashMap<>();
        try {
            var group = rds.describeDBParameterGroups(b -> b.dbParameterGroupName(name)).dbParameterGroups().get(0);
            Ownership.require(tagsOf(rds, group.dbParameterGroupArn()), migrationId, what);
            if (!family.equals(group.dbParameterGroupFamily())) {
                throw MigrationProblem.withCode(what + " is of family " + group.dbParameterGroupFamily() + ", the target needs "
                        + family, "deprovision this migration's target, then provision again", null);
            }
            rds.describeDBParametersPaginator(b -> b.dbParameterGroupName(name).source("user")).parameters()
                    .forEach(p -> current.put(p.parameterName(), p.parameterValue()));
            run.resource(what, true);
        } catch (DbParameterGroupNotFoundException e) {
            rds.createDBParameterGroup(b -> b.dbParameterGroupName(name).dbParameterGroupFamily(family)
                    .description("Logical replication for catalog-migration " + migrationId).tags(tags(migrationId)));
            run.resource(what + " (" + family + ")", false);
        }
        // pending-reboot is accepted for static and dynamic parameters alike; a new instance starts with them anyway.
        List<Parameter> changes = parameters.entrySet().stream().filter(p -> !p.getValue().equals(current.get(p.getKey())))
                .map(p -> Parameter.builder().parameterName(p.getKey()).parameterValue(p.getValue())
                        .applyMethod(ApplyMethod.PENDING_REBOOT).build()).toList();
        if (!changes.isEmpty()) {
            rds.modifyDBParameterGroup(b -> b.dbParameterGroupName(name).parameters(changes));
        }
    }

    static Map<String, String> tagsOf(RdsClient rds, String arn) {
        return Ownership.tags(rds.listTagsForResource(b -> b.resourceName(arn)).tagList(), Tag::key, Tag::value);
    }

    static List<Tag> tags(String migrationId) {
        return List.of(Tag.builder().key(ResourceNames.TAG_MIGRATION).value(migrationId).build(),
                Tag.builder().key(ResourceNames.TAG_MANAGED_BY).value(ResourceNames.MANAGED_BY).build());
    }
}
