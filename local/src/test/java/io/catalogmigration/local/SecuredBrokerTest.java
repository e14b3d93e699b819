package io.catalogmigration.local;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.catalogmigration.cli.MigrateCli;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.provisioner.ProvisionerApplication;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker whose only listener requires a SASL/PLAIN login: the provisioner logs in with Spring Boot's
 * {@code spring.kafka.*} settings and the operator with the CLI's {@code --command-config}; a wrong password gets
 * nothing through; no password is ever printed. The service runs with the JSON logs of production
 * ({@code logging.structured.format.console=ecs}), and its run's lines carry the migration and run ids.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecuredBrokerTest {

    private static final String SERVICE_PASSWORD = "svc-" + UUID.randomUUID();
    private static final String OPERATOR_PASSWORD = "op-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();

    @TempDir
    static Path directory;

    private static KafkaBroker broker;
    private static PostgresCluster source;
    private static ConfigurableApplicationContext provisioner;

    @BeforeAll
    static void startTheSecuredBrokerAndTheProvisioner() {
        broker = KafkaBroker.startWithSaslPlain(Map.of("provisioner", SERVICE_PASSWORD, "operator", OPERATOR_PASSWORD));
        source = PostgresCluster.builder("sasl-source").fast().start();
        source.createDatabase("rosemeta");
        source.createDatabase("lineage");
        Map<String, Object> settings = new HashMap<>();
        KafkaBroker.saslPlainLogin("provisioner", SERVICE_PASSWORD)
                .forEach((key, value) -> settings.put(key.equals("security.protocol") ? "spring.kafka.security.protocol"
                        : "spring.kafka.properties." + key, value));
        settings.put("provisioner.provider", "local");
        settings.put("logging.structured.format.console", "ecs");
        settings.put("logging.config", "classpath:io/catalogmigration/local/structured-console.xml");
        // Another context of this JVM may have configured logging already; this one's settings must apply.
        LoggingSystem.get(SecuredBrokerTest.class.getClassLoader()).cleanUp();
        provisioner = ServiceRunner.start(ProvisionerApplication.class, source, broker.bootstrapServers(), settings);
    }

    @AfterAll
    static void stopAll() throws Exception {
        ServiceRunner.stop(provisioner);
        // Back to this module's own logback.xml for whatever runs next in this JVM.
        var logback = (LoggerContext) LoggerFactory.getILoggerFactory();
        logback.reset();
        new ContextInitializer(logback).autoConfig();
        if (source != null) source.close();
        if (broker != null) broker.close();
    }

    @Test
    void theServiceAndTheCliLogInWithTheirSettingsAndTheRunsLogLinesCarryItsIdsInJson(CapturedOutput output) throws Exception {
        String migration = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
        Path login = clientConfig("operator", OPERATOR_PASSWORD);

        var plan = cli("provision", "plan", "--migration-id", migration, "--source-host", source.host(),
                "--source-port", Integer.toString(source.port()), "--source-user", source.adminUser(),
                "--source-sslmode", "disable", "--source-password-ref", source.adminSecretRef(),
                "--wait", "--timeout", "90s", "--bootstrap-servers", broker.bootstrapServers(), "--command-config",
                login.toString());

        assertThat(plan.code()).as(plan.out() + plan.err()).isZero();
        UUID runId = UUID.fromString(plan.out().lines().findFirst().orElseThrow().strip());
        assertThat(plan.out()).contains("COMPLETED TargetPlanned run " + runId);

        var status = cli("status", migration, "--output", "json", "--bootstrap-servers", broker.bootstrapServers(),
                "--command-config", login.toString());
        assertThat(status.code()).as(status.err()).isZero();
        JsonNode run = MessageJson.mapper().readTree(status.out()).get("runs").get(0);
        assertThat(run.get("runId").asString()).isEqualTo(runId.toString());
        assertThat(run.get("outcome").get("type").asString()).isEqualTo("TargetPlanned");

        List<JsonNode> runLines = jsonLines(output).stream()
                .filter(line -> runId.toString().equals(text(line, "runId"))).toList();
        assertThat(runLines).as("the provisioner's JSON log lines of run " + runId).isNotEmpty()
                .allSatisfy(line -> {
                    assertThat(text(line, "migrationId")).isEqualTo(migration);
                    assertThat(text(line.path("service"), "name")).isEqualTo("provisioner");
                })
                .anySatisfy(line -> assertThat(text(line.path("process").path("thread"), "name"))
                        .as("the run's own thread").isEqualTo("provisioning"));
        assertThat(output.getAll()).as("the clients' configuration was logged, the login masked")
                .contains("sasl.jaas.config = [hidden]");
        assertNoPasswordIn(output.getAll());
    }

    @Test
    void aWrongPasswordIsRefusedAndTheServiceNeverGetsTheCommand(CapturedOutput output) throws Exception {
        String migration = "sasl-wrong-" + UUID.randomUUID().toString().substring(0, 8);

        var refused = cli("provision", "plan", "--migration-id", migration, "--source-host", source.host(),
                "--source-port", Integer.toString(source.port()), "--source-user", source.adminUser(),
                "--source-password-ref", source.adminSecretRef(), "--broker-timeout", "10s",
                "--bootstrap-servers", broker.bootstrapServers(),
                "--command-config", clientConfig("operator", WRONG_PASSWORD).toString());

        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).contains("SaslAuthenticationException").contains("The brokers refused this client")
                .contains("--command-config");
        assertThat(commandsKeyed(migration)).as("records on " + Topics.PROVISION_COMMAND + " for " + migration).isZero();
        assertThat(source.queryForLong(ServiceRunner.CONTROL_DATABASE,
                "select count(*) from provisioner.run where migration_id = '" + migration + "'")).isZero();
        assertNoPasswordIn(refused.out() + refused.err() + output.getAll());
    }

    private record Result(int code, String out, String err) {
    }

    private static Result cli(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = MigrateCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** A Kafka client properties file as an operator keeps one: readable by its owner only. */
    private static Path clientConfig(String user, String password) throws Exception {
        Path file = Files.createTempFile(directory, user, ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties properties = new Properties();
        KafkaBroker.saslPlainLogin(user, password).forEach((key, value) -> properties.setProperty(key, value.toString()));
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "SASL/PLAIN login of " + user);
        }
        return file;
    }

    /** How many records on the provisioner's command topic carry this key, read to the end with a valid login. */
    private static long commandsKeyed(String key) {
        Map<String, Object> props = new HashMap<>(KafkaBroker.saslPlainLogin("operator", OPERATOR_PASSWORD));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.PROVISION_COMMAND, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long found = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) found++;
                }
            }
            return found;
        }
    }

    private static List<JsonNode> jsonLines(CapturedOutput output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getOut().lines().toList()) {
            if (line.startsWith("{")) {
                try {
                    lines.add(MessageJson.mapper().readTree(line));
                } catch (RuntimeException notJson) {
                    // a line of something else that starts with a brace
                }
            }
        }
        return lines;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isValueNode() ? null : value.asString();
    }

    private static void assertNoPasswordIn(String text) {
        assertThat(text).doesNotContain(SERVICE_PASSWORD).doesNotContain(OPERATOR_PASSWORD)
                .doesNotContain(WRONG_PASSWORD).doesNotContain(source.password()).doesNotContain(source.adminPassword());
    }
}
