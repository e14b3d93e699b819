package io.catalogmigration.provisioner;

import io.catalogmigration.provisioner.AwsStub.Call;
import io.catalogmigration.provisioner.AwsStub.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.catalogmigration.provisioner.AwsStub.EC2_NS;
import static io.catalogmigration.provisioner.AwsStub.ok;
import static io.catalogmigration.provisioner.AwsStub.xml;

/** The EC2 Query API, as far as the provisioner uses it: instances, subnets, security groups. */
final class StubEc2 {

    record Instance(String id, String vpc, String subnet, List<String> groups) {
    }

    record Subnet(String id, String vpc, String zone) {
    }

    record Group(String id, String name, String vpc, Map<String, String> tags, List<String> admitted) {
    }

    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final List<Subnet> subnets = new CopyOnWriteArrayList<>();
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    void instance(String id, String vpc, List<String> securityGroups, Subnet... vpcSubnets) {
        instances.put(id, new Instance(id, vpc, vpcSubnets[0].id(), securityGroups));
        subnets.addAll(List.of(vpcSubnets));
    }

    Optional<Group> group(String name) {
        return groups.values().stream().filter(g -> g.name().equals(name)).findFirst();
    }

    String vpcOf(String subnet) {
        return subnets.stream().filter(s -> s.id().equals(subnet)).map(Subnet::vpc).findFirst().orElse("vpc-unknown");
    }

    Response handle(Call call) {
        return switch (call.action()) {
            case "DescribeInstances" -> describeInstances(call);
            case "DescribeSubnets" -> ok(xml("DescribeSubnets", EC2_NS, "<subnetSet>" + subnets.stream()
                    .filter(s -> s.vpc().equals(filter(call, "vpc-id")))
                    .map(s -> "<item><subnetId>" + s.id() + "</subnetId><vpcId>" + s.vpc() + "</vpcId><availabilityZone>"
                            + s.zone() + "</availabilityZone><state>available</state></item>")
                    .reduce("", String::concat) + "</subnetSet>"));
            case "DescribeSecurityGroups" -> ok(xml("DescribeSecurityGroups", EC2_NS, "<securityGroupInfo>" + groups.values()
                    .stream().filter(g -> filter(call, "vpc-id") == null || g.vpc().equals(filter(call, "vpc-id")))
                    .filter(g -> filter(call, "group-name") == null || g.name().equals(filter(call, "group-name")))
                    .map(StubEc2::groupXml).reduce("", String::concat) + "</securityGroupInfo>"));
            case "CreateSecurityGroup" -> {
                var group = new Group("sg-" + String.format("%017x", 0xabc000 + ids.incrementAndGet()), call.param("GroupName"),
                        call.param("VpcId"), new ConcurrentHashMap<>(call.tags()), new CopyOnWriteArrayList<>());
                groups.put(group.id(), group);
                yield ok(xml("CreateSecurityGroup", EC2_NS, "<return>true</return><groupId>" + group.id() + "</groupId>"));
            }
            case "AuthorizeSecurityGroupIngress" -> {
                groups.get(call.param("GroupId")).admitted().addAll(call.list("IpPermissions.1.Groups"));
                yield ok(xml("AuthorizeSecurityGroupIngress", EC2_NS, "<return>true</return>"));
            }
            case "DeleteSecurityGroup" -> {
                groups.remove(call.param("GroupId"));
                yield ok(xml("DeleteSecurityGroup", EC2_NS, "<return>true</return>"));
            }
            default -> AwsStub.error("ec2", "InvalidAction", "the stub does not know " + call.action());
        };
    }

    void seedGroup(String name, String vpc, Map<String, String> tags) {
        var group = new Group("sg-seed" + ids.incrementAndGet(), name, vpc, new ConcurrentHashMap<>(tags), new CopyOnWriteArrayList<>());
        groups.put(group.id(), group);
    }

    private Response describeInstances(Call call) {
        var instance = instances.get(call.param("InstanceId.1"));
        if (instance == null) {
            return AwsStub.error("ec2", "InvalidInstanceID.NotFound", "The instance ID '" + call.param("InstanceId.1")
                    + "' does not exist");
        }
        String groupSet = instance.groups().stream().map(g -> "<item><groupId>" + g + "</groupId><groupName>catalog</groupName></item>")
                .reduce("", String::concat);
        return ok(xml("DescribeInstances", EC2_NS, "<reservationSet><item><reservationId>r-1</reservationId><ownerId>"
                + AwsStub.ACCOUNT + "</ownerId><instancesSet><item><instanceId>" + instance.id() + "</instanceId><vpcId>"
                + instance.vpc() + "</vpcId><subnetId>" + instance.subnet() + "</subnetId><groupSet>" + groupSet
                + "</groupSet></item></instancesSet></item></reservationSet>"));
    }

    private static String groupXml(Group g) {
        String pairs = g.admitted().stream().map(id -> "<item><groupId>" + id + "</groupId></item>").reduce("", String::concat);
        String permissions = g.admitted().isEmpty() ? "" : "<item><ipProtocol>tcp</ipProtocol><fromPort>5432</fromPort>"
                + "<toPort>5432</toPort><groups>" + pairs + "</groups></item>";
        var tags = new StringBuilder();
        g.tags().forEach((k, v) -> tags.append("<item><key>").append(k).append("</key><value>").append(v).append("</value></item>"));
        return "<item><ownerId>" + AwsStub.ACCOUNT + "</ownerId><groupId>" + g.id() + "</groupId><groupName>" + g.name()
                + "</groupName><groupDescription>stub</groupDescription><vpcId>" + g.vpc() + "</vpcId><ipPermissions>"
                + permissions + "</ipPermissions><tagSet>" + tags + "</tagSet></item>";
    }

    /** The first value of the filter with this name, as {@code Filter.N.Name} / {@code Filter.N.Value.1}. */
    private static String filter(Call call, String name) {
        for (int i = 1; call.param("Filter." + i + ".Name") != null; i++) {
            if (name.equals(call.param("Filter." + i + ".Name"))) {
                return call.param("Filter." + i + ".Value.1");
            }
        }
        return null;
    }
}
