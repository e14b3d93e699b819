package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.ProvisionedResources;
import io.catalogmigration.common.contract.SizingInputs;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provisioner's messages on the wire, pinned by golden files under {@code src/test/resources/golden} (the
 * same way common pins the prune messages): a change to one of these records shows up as a failing test here.
 */
class ProvisionMessagesTest {

    static final UUID RUN = UUID.fromString("5b7e1c2a-3d4f-4a6b-8c9d-0e1f2a3b4c5d");
    static final String MIGRATION = "rds-2026-11";
    static final Instant AT = Instant.parse("2026-11-21T03:00:00Z");
    static final PgEndpoint SOURCE = new PgEndpoint("catalog-db.internal", 5432, "rosemeta", "alation", "verify-full",
            "env:ROSEMETA_PASSWORD");

    static final TargetPlan PLAN;

    static {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("rosemeta", 190_052_302_848L);
        sizes.put("lineage", 6_054_477_824L);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("rds.logical_replication", "1");
        parameters.put("max_logical_replication_workers", "18");
        parameters.put("max_sync_workers_per_subscription", "8");
        parameters.put("max_worker_processes", "26");
        parameters.put("max_replication_slots", "18");
        parameters.put("max_wal_senders", "18");
        PLAN = new TargetPlan(366, "db.m6i.2xlarge", 8, parameters,
                new SizingInputs(sizes, 12_000_000, false, 120, 8, 130011),
                List.of("storage: rosemeta 177.0 GiB + lineage 5.6 GiB = 182.6 GiB; doubled and rounded up: 366 GiB"));
    }

    static final ProvisionTarget PROVISION_TARGET = new ProvisionTarget(RUN, MIGRATION, AT, SOURCE, "aws", 12_000_000L, 120, 8,
            "us-east-1", "i-0f76425cf32057e81", null, null, null);

    static final TargetProvisioned TARGET_PROVISIONED = new TargetProvisioned(
            UUID.fromString("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"), MIGRATION, Instant.parse("2026-11-21T03:24:10Z"), RUN, "aws",
            "catalog-rds-2026-11.cabc123.us-east-1.rds.amazonaws.com", 5432, List.of("rosemeta", "lineage"), "postgres",
            "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1a2b-AbCdEf#password", "alation",
            "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-migration/catalog-rds-2026-11/alation-Xy12Ab#password",
            new ProvisionedResources("catalog-rds-2026-11", "arn:aws:rds:us-east-1:123456789012:db:catalog-rds-2026-11",
                    "catalog-rds-2026-11-subnets", "sg-0123456789abcdef0", "catalog-rds-2026-11-postgres14", "vpc-0a1b2c3d",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1a2b-AbCdEf",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-migration/catalog-rds-2026-11/alation-Xy12Ab"),
            PLAN, List.of());

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("PlanTarget", ProvisionCommand.class,
                        new PlanTarget(RUN, MIGRATION, AT, SOURCE, null, 120, 8)),
                Arguments.of("ProvisionTarget", ProvisionCommand.class, PROVISION_TARGET),
                Arguments.of("DeprovisionTarget", ProvisionCommand.class,
                        new DeprovisionTarget(RUN, MIGRATION, AT, "aws", "us-east-1", "catalog-rds-2026-11", null, true, false)),
                Arguments.of("TargetPlanned", OutcomeEvent.class,
                        new TargetPlanned(UUID.fromString("1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"), MIGRATION, AT, RUN, PLAN)),
                Arguments.of("TargetProvisioned", OutcomeEvent.class, TARGET_PROVISIONED),
                Arguments.of("ProvisionFailed", OutcomeEvent.class, new ProvisionFailed(
                        UUID.fromString("2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"), MIGRATION, AT, RUN, "ProvisionTarget", "aws",
                        "creating DB instance catalog-rds-2026-11 was refused by AWS (InsufficientDBInstanceCapacity): "
                                + "Insufficient capacity.", "send the command again later with a new commandId",
                        "InsufficientDBInstanceCapacity", List.of("security group sg-0123456789abcdef0 (catalog-rds-2026-11-db)"))),
                Arguments.of("TargetDeprovisioned", OutcomeEvent.class, new TargetDeprovisioned(
                        UUID.fromString("3f4a5b6c-7d8e-4f9a-8b1c-2d3e4f5a6b7c"), MIGRATION, AT, RUN, "aws",
                        List.of("DB instance catalog-rds-2026-11 (final snapshot catalog-rds-2026-11-final-20261121-030000)"),
                        List.of("secret catalog-migration/catalog-rds-2026-11/alation"), List.of(),
                        "catalog-rds-2026-11-final-20261121-030000")),
                Arguments.of("SnapshotTarget", ProvisionCommand.class,
                        new SnapshotTarget(RUN, MIGRATION, AT, "aws", "us-east-1", "catalog-rds-2026-11", null)),
                Arguments.of("TargetSnapshotTaken", OutcomeEvent.class, new TargetSnapshotTaken(
                        UUID.fromString("4a5b6c7d-8e9f-4a0b-9c1d-3e4f5a6b7c8d"), MIGRATION, Instant.parse("2026-11-21T06:41:12Z"),
                        RUN, "aws", "catalog-rds-2026-11-cutover-5b7e1c2a",
                        "arn:aws:rds:us-east-1:123456789012:snapshot:catalog-rds-2026-11-cutover-5b7e1c2a", null, List.of())));
    }

    @ParameterizedTest(name = "{0} is written exactly as golden/{0}.json and reads back equal")
    @MethodSource("messages")
    void aMessageMatchesItsGoldenFileBothWays(String name, Class<?> family, Object message) throws IOException {
        var mapper = MessageJson.mapper();
        if (Boolean.getBoolean("golden.write")) {
            Files.writeString(Path.of("src/test/resources/golden/" + name + ".json"), mapper.rebuild()
                    .enable(SerializationFeature.INDENT_OUTPUT).build().writerFor(family).writeValueAsString(message) + "\n");
        }

        assertThat(mapper.readTree(mapper.writerFor(family).writeValueAsString(message))).isEqualTo(mapper.readTree(golden(name)));
        assertThat(mapper.readTree(mapper.writeValueAsString(message)).get("type").asString()).isEqualTo(name);
        assertThat(mapper.readValue(golden(name), family)).isEqualTo(message);
    }

    @Test
    void aPasswordFieldInACommandIsRejectedNotIgnored() {
        String withPassword = golden("ProvisionTarget").replace("\"provider\"", "\"masterPassword\" : \"hunter2\",\n  \"provider\"");

        assertThatThrownBy(() -> MessageJson.mapper().readValue(withPassword, ProvisionCommand.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("masterPassword");
    }

    @Test
    void anOutcomeIsNotMistakenForAProvisionCommand() {
        assertThatThrownBy(() -> MessageJson.mapper().readValue(golden("TargetProvisioned"), ProvisionCommand.class))
                .isInstanceOf(InvalidTypeIdException.class);
    }

    @Test
    void theOptionalFieldsOfACommandMayBeLeftOut() {
        String minimal = """
                {"type": "ProvisionTarget", "commandId": "5b7e1c2a-3d4f-4a6b-8c9d-0e1f2a3b4c5d", "migrationId": "m",
                 "issuedAt": "2026-11-21T03:00:00Z", "provider": "local",
                 "source": {"host": "h", "port": 5432, "database": "rosemeta", "user": "u", "passwordRef": "env:PG"},
                 "target": {"host": "t", "port": 5432, "database": "postgres", "user": "postgres", "passwordRef": "env:TPG"}}""";

        var command = (ProvisionTarget) MessageJson.mapper().readValue(minimal, ProvisionCommand.class);

        assertThat(command.objectCount()).isNull();
        assertThat(command.sourceCpuCount()).isNull();
        assertThat(command.region()).isNull();
        // an endpoint that names no sslmode verifies the server's certificate and name (#13)
        assertThat(command.target().sslmode()).isEqualTo("verify-full");
    }

    static String golden(String name) {
        try (InputStream in = ProvisionMessagesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("golden/%s.json on the test classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
