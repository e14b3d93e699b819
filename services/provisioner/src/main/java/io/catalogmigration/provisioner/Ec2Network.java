package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** The catalog host's network, found through EC2, and the security group that lets only that host reach the target. */
class Ec2Network {

    /** Where the catalog's instance is, and the subnets of its VPC (in at least two zones) the target may use. */
    record SourceNetwork(String instanceId, String vpcId, List<String> sourceSecurityGroups, List<String> subnetIds,
                         List<String> zones) {
    }

    static SourceNetwork locate(Ec2Client ec2, String instanceId, String region) {
        Instance instance;
        try {
            instance = ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().stream()
                    .flatMap(r -> r.instances().stream()).findFirst().orElse(null);
        } catch (Ec2Exception e) {
            if (!String.valueOf(AwsFailure.code(e)).startsWith("InvalidInstanceID")) {
                throw e;
            }
            instance = null;
        }
        if (instance == null) {
            throw MigrationProblem.withCode("EC2 instance " + instanceId + " does not exist in " + region,
                    "give the id of the instance the catalog runs on (sourceInstanceId) and its region; nothing was created", null);
        }
        if (instance.vpcId() == null) {
            throw MigrationProblem.withCode("EC2 instance " + instanceId + " is not in a VPC",
                    "RDS instances live in a VPC: move the catalog host into one first; nothing was created", null);
        }
        String vpc = instance.vpcId();
        var subnets = ec2.describeSubnetsPaginator(b -> b.filters(filter("vpc-id", vpc))).subnets().stream()
                .sorted(Comparator.comparing(Subnet::subnetId)).toList();
        var zones = new TreeSet<String>();
        subnets.forEach(s -> zones.add(s.availabilityZone()));
        if (zones.size() < 2) {
            throw MigrationProblem.withCode("VPC " + vpc + " of instance " + instanceId + " has subnets in " + zones.size()
                    + " availability zone(s) " + zones + "; a Multi-AZ RDS instance needs subnets in at least 2",
                    "add a subnet in another availability zone of " + vpc + ", then send the command again with a new "
                            + "commandId; nothing was created", null);
        }
        return new SourceNetwork(instanceId, vpc, instance.securityGroups().stream().map(GroupIdentifier::groupId).toList(),
                subnets.stream().map(Subnet::subnetId).toList(), List.copyOf(zones));
    }

    /** The target's security group: PostgreSQL's port open to the catalog host's own security groups, nothing else. */
    static String ensureSecurityGroup(Ec2Client ec2, ResourceNames names, SourceNetwork network, int port,
                                      String migrationId, RunSteps run) {
        var existing = ec2.describeSecurityGroups(b -> b.filters(filter("vpc-id", network.vpcId()),
                filter("group-name", names.securityGroup()))).securityGroups();
        String groupId;
        List<String> missing = new ArrayList<>(network.sourceSecurityGroups());
        if (!existing.isEmpty()) {
            SecurityGroup group = existing.get(0);
            Ownership.require(Ownership.tags(group.tags(), Tag::key, Tag::value), migrationId,
                    "security group " + group.groupId() + " (" + names.securityGroup() + ")");
            groupId = group.groupId();
            missing.removeAll(allowed(group, port));
            run.resource("security group " + groupId + " (" + names.securityGroup() + ")", true);
        } else {
            groupId = ec2.createSecurityGroup(b -> b.groupName(names.securityGroup()).vpcId(network.vpcId())
                    .description("PostgreSQL from catalog host " + network.instanceId() + " only (catalog-migration " + migrationId + ")")
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                            .tags(tags(migrationId, names.securityGroup())).build())).groupId();
            run.resource("security group " + groupId + " (" + names.securityGroup() + ")", false);
        }
        if (!missing.isEmpty()) {
            authorize(ec2, groupId, port, missing);
        }
        return groupId;
    }

    private static void authorize(Ec2Client ec2, String groupId, int port, List<String> sourceGroups) {
        try {
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(IpPermission.builder()
                    .ipProtocol("tcp").fromPort(port).toPort(port)
                    .userIdGroupPairs(sourceGroups.stream().map(g -> UserIdGroupPair.builder().groupId(g)
                            .description("catalog host").build()).toList()).build()));
        } catch (Ec2Exception e) {
            // Another attempt added the rule between our describe and this call: the rule is there, which is the point.
            if (!"InvalidPermission.Duplicate".equals(AwsFailure.code(e))) {
                throw e;
            }
        }
    }

    private static List<String> allowed(SecurityGroup group, int port) {
        return group.ipPermissions().stream()
                .filter(p -> "tcp".equals(p.ipProtocol()) && p.fromPort() != null && p.toPort() != null
                        && p.fromPort() <= port && port <= p.toPort())
                .flatMap(p -> p.userIdGroupPairs().stream()).map(UserIdGroupPair::groupId).toList();
    }

    static List<Tag> tags(String migrationId, String name) {
        return List.of(Tag.builder().key(ResourceNames.TAG_MIGRATION).value(migrationId).build(),
                Tag.builder().key(ResourceNames.TAG_MANAGED_BY).value(ResourceNames.MANAGED_BY).build(),
                Tag.builder().key("Name").value(name).build());
    }

    static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }
}
