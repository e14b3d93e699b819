package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every real part the provisioner's scenarios need, started once for all test classes (the JUnit root store closes
 * it at the end): a source PostgreSQL with a generated catalog (also holding the control database), a second
 * PostgreSQL standing in for RDS (local provider), an in-process KRaft broker, the AWS stub, and the service.
 */
final class RealParts implements AutoCloseable {

    static final String CATALOG_INSTANCE = "i-0a1b2c3d4e5f60718";
    static final String SINGLE_ZONE_INSTANCE = "i-0a1b2c3d4e5f60719";
    static final String CATALOG_VPC = "vpc-0catalog";
    static final String CATALOG_SECURITY_GROUP = "sg-0catalog1";

    final PostgresCluster source;
    final PostgresCluster target;
    final KafkaBroker kafka;
    final EventLog events;
    final CommandSender commands;
    final AwsStub aws;
    final Path secretDirectory;
    private ConfigurableApplicationContext service;

    private RealParts(PostgresCluster source, PostgresCluster target, KafkaBroker kafka, AwsStub aws, Path secretDirectory) {
        this.source = source;
        this.target = target;
        this.kafka = kafka;
        this.aws = aws;
        this.secretDirectory = secretDirectory;
        for (String topic : List.of(Topics.PROVISION_COMMAND, Topics.deadLetter(Topics.PROVISION_COMMAND))) {
            kafka.createTopic(topic, 1);
        }
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        this.events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(Topics.PROVISION_COMMAND));
        this.commands = new CommandSender(kafka.bootstrapServers());
    }

    static RealParts start() {
        // The first cluster sweeps leftovers of killed runs; after that the broker and the second cluster start while
        // the catalog is generated: these mostly wait on disk and process start-up, not on the CPUs.
        var source = PostgresCluster.builder("prov-source").fast().start();
        var kafka = CompletableFuture.supplyAsync(KafkaBroker::start);
        // the local provider's target stands in for RDS: a newer major, an administrator that is not a superuser
        var target = CompletableFuture.supplyAsync(() -> PostgresCluster.builder("prov-target").version(17).rdsShaped()
                .fast().start());
        SampleCatalog.generate(source, SampleSize.tiny());
        var parts = new RealParts(source, target.join(), kafka.join(), stub(), temporaryDirectory());
        parts.startService(Map.of());
        return parts;
    }

    private static AwsStub stub() {
        var aws = AwsStub.start();
        aws.ec2.instance(CATALOG_INSTANCE, CATALOG_VPC, List.of(CATALOG_SECURITY_GROUP),
                new StubEc2.Subnet("subnet-0aaa", CATALOG_VPC, "us-east-1a"),
                new StubEc2.Subnet("subnet-0bbb", CATALOG_VPC, "us-east-1b"),
                new StubEc2.Subnet("subnet-0ccc", CATALOG_VPC, "us-east-1a"));
        aws.ec2.instance(SINGLE_ZONE_INSTANCE, "vpc-0single", List.of("sg-0single1"),
                new StubEc2.Subnet("subnet-0ddd", "vpc-0single", "us-east-1a"),
                new StubEc2.Subnet("subnet-0eee", "vpc-0single", "us-east-1a"));
        aws.rds.vpcLookup(aws.ec2::vpcOf);
        // The SDK's default credential chain reads these first; nothing leaves this machine.
        System.setProperty("aws.accessKeyId", "AKIASTUBSTUBSTUBSTUB");
        System.setProperty("aws.secretAccessKey", "stub-secret-access-key");
        return aws;
    }

    /** Starts the service (stopping a running one first) with the stub and fast polling, plus {@code overrides}. */
    ConfigurableApplicationContext startService(Map<String, Object> overrides) {
        stopService();
        var properties = new java.util.HashMap<String, Object>(Map.of(
                "provisioner.aws.endpoint-override", aws.endpoint(),
                "provisioner.aws.wait-poll-interval", "50ms",
                "provisioner.aws.wait-max", "30s",
                "provisioner.local.secret-directory", secretDirectory,
                "provisioner.local.snapshot-directory", secretDirectory.resolve("snapshots"),
                "migration.active-instance.poll-interval", "300ms"));
        properties.putAll(overrides);
        service = ServiceRunner.start(ProvisionerApplication.class, source, kafka.bootstrapServers(), properties);
        return service;
    }

    void stopService() {
        ServiceRunner.stop(service);
        service = null;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("provisioner-secrets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        stopService();
        commands.close();
        events.close();
        kafka.close();
        aws.close();
        target.close();
        source.close();
        try (var files = Files.walk(secretDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Puts one RealParts into the root store the first time any class asks, so it is shared and closed once. */
    static final class Shared implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            ProvisionerTestBase.parts = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(RealParts.class, k -> RealParts.start(), RealParts.class);
        }
    }
}
