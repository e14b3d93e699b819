package io.catalogmigration.provisioner;

import io.catalogmigration.provisioner.AwsStub.Call;
import io.catalogmigration.provisioner.AwsStub.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static io.catalogmigration.provisioner.AwsStub.RDS_NS;
import static io.catalogmigration.provisioner.AwsStub.ok;
import static io.catalogmigration.provisioner.AwsStub.tagsXml;
import static io.catalogmigration.provisioner.AwsStub.xml;

/**
 * The RDS Query API, as far as the provisioner uses it. A new instance answers "creating" twice, then "available";
 * a deleted one answers "deleting" once, then no longer exists.
 */
final class StubRds {

    /** An instance's fields as DescribeDBInstances returns them, and the statuses it will show next. */
    static final class Instance {
        final String id;
        final Map<String, String> fields = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<String> upcoming = new ArrayList<>();
        String status;

        Instance(String id) {
            this.id = id;
        }

        /** The current status; each look moves on to the next one planned, the last one stays. */
        synchronized String look() {
            if (!upcoming.isEmpty()) {
                status = upcoming.remove(0);
            }
            return status;
        }
    }

    record Group(String name, String arn, String detail, Map<String, String> tags, Map<String, String> parameters) {
    }

    /** A manual DB snapshot: "creating" at 0 %, 50 %, then "available", one step per look. */
    static final class Snapshot {
        final String id;
        final String instance;
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<String[]> upcoming = new ArrayList<>(List.of(new String[]{"creating", "0"}, new String[]{"creating", "50"},
                new String[]{"available", "100"}));
        String[] status = {"creating", "0"};

        Snapshot(String id, String instance) {
            this.id = id;
            this.instance = instance;
        }

        synchronized String[] look() {
            if (!upcoming.isEmpty()) {
                status = upcoming.remove(0);
            }
            return status;
        }
    }

    static final String GONE = "(gone)";

    final Map<String, Instance> instances = new ConcurrentHashMap<>();
    final Map<String, Group> subnetGroups = new ConcurrentHashMap<>();
    final Map<String, Group> parameterGroups = new ConcurrentHashMap<>();
    final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private Function<String, String> vpcOfSubnet = s -> "vpc-unknown";

    void vpcLookup(Function<String, String> lookup) {
        vpcOfSubnet = lookup;
    }

    Response handle(Call call) {
        return switch (call.action()) {
            case "DescribeDBInstances" -> describeInstance(call.param("DBInstanceIdentifier"));
            case "CreateDBInstance" -> createInstance(call);
            case "ModifyDBInstance" -> {
                var instance = instances.get(call.param("DBInstanceIdentifier"));
                instance.fields.put("DeletionProtection", call.param("DeletionProtection"));
                yield ok(xml("ModifyDBInstance", RDS_NS, "<DBInstance>" + instanceXml(instance, instance.status) + "</DBInstance>"));
            }
            case "DeleteDBInstance" -> deleteInstance(call);
            case "DescribeDBSubnetGroups" -> describeGroups(call, subnetGroups, "DBSubnetGroupName", "DBSubnetGroup",
                    "DBSubnetGroupNotFoundFault", g -> "<DBSubnetGroupName>" + g.name() + "</DBSubnetGroupName><VpcId>"
                            + g.detail() + "</VpcId><SubnetGroupStatus>Complete</SubnetGroupStatus><DBSubnetGroupArn>"
                            + g.arn() + "</DBSubnetGroupArn>");
            case "CreateDBSubnetGroup" -> {
                String name = call.param("DBSubnetGroupName");
                var subnets = call.list("SubnetIds");
                var group = new Group(name, arn("subgrp", name), vpcOfSubnet.apply(subnets.get(0)), call.tags(), Map.of());
                subnetGroups.put(name, group);
                yield ok(xml("CreateDBSubnetGroup", RDS_NS, "<DBSubnetGroup><DBSubnetGroupName>" + name
                        + "</DBSubnetGroupName><VpcId>" + group.detail() + "</VpcId><DBSubnetGroupArn>" + group.arn()
                        + "</DBSubnetGroupArn></DBSubnetGroup>"));
            }
            case "DeleteDBSubnetGroup" -> {
                subnetGroups.remove(call.param("DBSubnetGroupName"));
                yield ok(xml("DeleteDBSubnetGroup", RDS_NS, ""));
            }
            case "DescribeDBParameterGroups" -> describeGroups(call, parameterGroups, "DBParameterGroupName",
                    "DBParameterGroup", "DBParameterGroupNotFound", StubRds::parameterGroupXml);
            case "CreateDBParameterGroup" -> {
                String name = call.param("DBParameterGroupName");
                var group = new Group(name, arn("pg", name), call.param("DBParameterGroupFamily"), call.tags(),
                        new ConcurrentHashMap<>());
                parameterGroups.put(name, group);
                yield ok(xml("CreateDBParameterGroup", RDS_NS, "<DBParameterGroup>" + parameterGroupXml(group) + "</DBParameterGroup>"));
            }
            case "ModifyDBParameterGroup" -> {
                var group = parameterGroups.get(call.param("DBParameterGroupName"));
                for (int i = 1; call.param("Parameters.Parameter." + i + ".ParameterName") != null; i++) {
                    group.parameters().put(call.param("Parameters.Parameter." + i + ".ParameterName"),
                            call.param("Parameters.Parameter." + i + ".ParameterValue"));
                }
                yield ok(xml("ModifyDBParameterGroup", RDS_NS, "<DBParameterGroupName>" + group.name() + "</DBParameterGroupName>"));
            }
            case "DescribeDBParameters" -> {
                var group = parameterGroups.get(call.param("DBParameterGroupName"));
                var parameters = new StringBuilder();
                group.parameters().forEach((k, v) -> parameters.append("<Parameter><ParameterName>").append(k)
                        .append("</ParameterName><ParameterValue>").append(v).append("</ParameterValue><Source>user</Source></Parameter>"));
                yield ok(xml("DescribeDBParameters", RDS_NS, "<Parameters>" + parameters + "</Parameters>"));
            }
            case "DeleteDBParameterGroup" -> {
                parameterGroups.remove(call.param("DBParameterGroupName"));
                yield ok(xml("DeleteDBParameterGroup", RDS_NS, ""));
            }
            case "CreateDBSnapshot" -> {
                var instance = instances.get(call.param("DBInstanceIdentifier"));
                if (instance == null) {
                    yield AwsStub.error("rds", "DBInstanceNotFound", "DBInstance " + call.param("DBInstanceIdentifier") + " not found.");
                }
                if (!"available".equals(instance.status)) {
                    yield AwsStub.error("rds", "InvalidDBInstanceState", "DB instance is not in available state.");
                }
                var snapshot = new Snapshot(call.param("DBSnapshotIdentifier"), instance.id);
                snapshot.tags.putAll(call.tags());
                snapshots.put(snapshot.id, snapshot);
                yield ok(xml("CreateDBSnapshot", RDS_NS, "<DBSnapshot>" + snapshotXml(snapshot, snapshot.status) + "</DBSnapshot>"));
            }
            case "DescribeDBSnapshots" -> {
                var snapshot = snapshots.get(call.param("DBSnapshotIdentifier"));
                if (snapshot == null) {
                    yield AwsStub.error("rds", "DBSnapshotNotFound", "DBSnapshot " + call.param("DBSnapshotIdentifier") + " not found.");
                }
                yield ok(xml("DescribeDBSnapshots", RDS_NS, "<DBSnapshots><DBSnapshot>" + snapshotXml(snapshot, snapshot.look())
                        + "</DBSnapshot></DBSnapshots>"));
            }
            case "ListTagsForResource" -> ok(xml("ListTagsForResource", RDS_NS, "<TagList>" + tagsXml(tagsOf(call.param("ResourceName")),
                    "Tag") + "</TagList>"));
            default -> AwsStub.error("rds", "InvalidAction", "the stub does not know " + call.action());
        };
    }

    /** An instance that exists before the test sends anything, e.g. someone else's. */
    Instance seedInstance(String id, Map<String, String> tags, Map<String, String> fields) {
        var instance = new Instance(id);
        instance.status = "available";
        instance.fields.putAll(Map.of("DBInstanceClass", "db.m6i.xlarge", "Engine", "postgres", "EngineVersion", "16.4",
                "AllocatedStorage", "20", "MultiAZ", "true", "StorageEncrypted", "true", "PubliclyAccessible", "false",
                "DeletionProtection", "true", "DBSubnetGroupName", "other-subnets"));
        instance.fields.putAll(fields);
        instance.tags.putAll(tags);
        instances.put(id, instance);
        return instance;
    }

    private Response describeInstance(String id) {
        var instance = instances.get(id);
        String status = instance == null ? GONE : instance.look();
        if (GONE.equals(status)) {
            instances.remove(id);
            return AwsStub.error("rds", "DBInstanceNotFound", "DBInstance " + id + " not found.");
        }
        return ok(xml("DescribeDBInstances", RDS_NS, "<DBInstances><DBInstance>" + instanceXml(instance, status)
                + "</DBInstance></DBInstances>"));
    }

    private Response createInstance(Call call) {
        var instance = new Instance(call.param("DBInstanceIdentifier"));
        instance.status = "creating";
        instance.upcoming.addAll(List.of("creating", "creating", "available"));
        for (String field : List.of("DBInstanceClass", "Engine", "EngineVersion", "AllocatedStorage", "MultiAZ",
                "StorageEncrypted", "PubliclyAccessible", "DeletionProtection", "DBSubnetGroupName", "MasterUsername",
                "DBParameterGroupName", "Port")) {
            if (call.param(field) != null) {
                instance.fields.put(field, call.param(field));
            }
        }
        instance.tags.putAll(call.tags());
        instances.put(instance.id, instance);
        return ok(xml("CreateDBInstance", RDS_NS, "<DBInstance>" + instanceXml(instance, "creating") + "</DBInstance>"));
    }

    private Response deleteInstance(Call call) {
        var instance = instances.get(call.param("DBInstanceIdentifier"));
        if ("true".equals(instance.fields.get("DeletionProtection"))) {
            return AwsStub.error("rds", "InvalidParameterCombination", "Cannot delete protected DB Instance, please disable "
                    + "deletion protection and try again.");
        }
        instance.status = "deleting";
        instance.upcoming.clear();
        instance.upcoming.addAll(List.of("deleting", GONE));
        return ok(xml("DeleteDBInstance", RDS_NS, "<DBInstance>" + instanceXml(instance, "deleting") + "</DBInstance>"));
    }

    private static Response describeGroups(Call call, Map<String, Group> groups, String nameParam, String element,
                                           String notFound, Function<Group, String> body) {
        String name = call.param(nameParam);
        if (name != null && !groups.containsKey(name)) {
            return AwsStub.error("rds", notFound, element + " " + name + " not found.");
        }
        String members = groups.values().stream().filter(g -> name == null || g.name().equals(name))
                .map(g -> "<" + element + ">" + body.apply(g) + "</" + element + ">").reduce("", String::concat);
        return ok(xml("Describe" + element + "s", RDS_NS, "<" + element + "s>" + members + "</" + element + "s>"));
    }

    private static String parameterGroupXml(Group g) {
        return "<DBParameterGroupName>" + g.name() + "</DBParameterGroupName><DBParameterGroupFamily>" + g.detail()
                + "</DBParameterGroupFamily><Description>stub</Description><DBParameterGroupArn>" + g.arn() + "</DBParameterGroupArn>";
    }

    private static String snapshotXml(Snapshot snapshot, String[] status) {
        return "<DBSnapshotIdentifier>" + snapshot.id + "</DBSnapshotIdentifier><DBInstanceIdentifier>" + snapshot.instance
                + "</DBInstanceIdentifier><SnapshotType>manual</SnapshotType><Engine>postgres</Engine>"
                + "<Status>" + status[0] + "</Status><PercentProgress>" + status[1] + "</PercentProgress>"
                + "<AllocatedStorage>20</AllocatedStorage><SnapshotCreateTime>2026-11-21T06:40:00Z</SnapshotCreateTime>"
                + "<DBSnapshotArn>" + arn("snapshot", snapshot.id) + "</DBSnapshotArn>"
                + "<TagList>" + tagsXml(snapshot.tags, "Tag") + "</TagList>";
    }

    private static String instanceXml(Instance instance, String status) {
        var f = instance.fields;
        String endpoint = "available".equals(status) || "modifying".equals(status) || "deleting".equals(status)
                ? "<Endpoint><Address>" + instance.id + ".cabc123.us-east-1.rds.amazonaws.com</Address><Port>"
                + f.getOrDefault("Port", "5432") + "</Port></Endpoint>" : "";
        return "<DBInstanceIdentifier>" + instance.id + "</DBInstanceIdentifier>"
                + "<DBInstanceClass>" + f.get("DBInstanceClass") + "</DBInstanceClass>"
                + "<Engine>" + f.get("Engine") + "</Engine><EngineVersion>" + f.get("EngineVersion") + "</EngineVersion>"
                + "<DBInstanceStatus>" + status + "</DBInstanceStatus>"
                + "<MasterUsername>" + f.getOrDefault("MasterUsername", "postgres") + "</MasterUsername>" + endpoint
                + "<AllocatedStorage>" + f.get("AllocatedStorage") + "</AllocatedStorage>"
                + "<MultiAZ>" + f.get("MultiAZ") + "</MultiAZ><StorageEncrypted>" + f.get("StorageEncrypted") + "</StorageEncrypted>"
                + "<PubliclyAccessible>" + f.get("PubliclyAccessible") + "</PubliclyAccessible>"
                + "<DeletionProtection>" + f.get("DeletionProtection") + "</DeletionProtection>"
                + "<DBSubnetGroup><DBSubnetGroupName>" + f.get("DBSubnetGroupName") + "</DBSubnetGroupName></DBSubnetGroup>"
                + (f.containsKey("DBParameterGroupName") ? "<DBParameterGroups><DBParameterGroup><DBParameterGroupName>"
                + f.get("DBParameterGroupName") + "</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus>"
                + "</DBParameterGroup></DBParameterGroups>" : "")
                + "<DBInstanceArn>" + arn("db", instance.id) + "</DBInstanceArn>"
                + "<MasterUserSecret><SecretArn>arn:aws:secretsmanager:us-east-1:" + AwsStub.ACCOUNT + ":secret:rds!db-"
                + instance.id + "-AbCdEf</SecretArn><SecretStatus>active</SecretStatus></MasterUserSecret>"
                + "<TagList>" + tagsXml(instance.tags, "Tag") + "</TagList>";
    }

    private Map<String, String> tagsOf(String arn) {
        for (var groups : List.of(subnetGroups, parameterGroups)) {
            for (var g : groups.values()) {
                if (g.arn().equals(arn)) {
                    return g.tags();
                }
            }
        }
        return instances.values().stream().filter(i -> arn("db", i.id).equals(arn)).findFirst().map(i -> i.tags).orElse(Map.of());
    }

    static String arn(String kind, String name) {
        return "arn:aws:rds:us-east-1:" + AwsStub.ACCOUNT + ":" + kind + ":" + name;
    }
}
