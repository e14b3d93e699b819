package io.catalogmigration.common.contract;

import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wire format of every message, pinned by a hand-written golden file under {@code src/test/resources/golden}.
 * A change to a message record shows up here as a failing test and, once accepted, as a diff of a golden file
 * that the services' owners can review.
 */
class MessageContractTest {

    private static final JsonMapper mapper = MessageJson.mapper();

    private static final UUID RUN = UUID.fromString("3f2b8c1e-5d4a-4b6f-9e21-0a7c3d9b1f10");
    private static final String MIGRATION = "mig-2025-03-catalog-eu";

    static final StartPrune START_PRUNE = new StartPrune(
            RUN, MIGRATION, Instant.parse("2025-03-14T09:26:53Z"),
            new PgEndpoint("catalog-eu.db.internal", 5432, "catalog_eu", "migrator", "verify-full",
                    "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/eu-pg-AbCdEf"),
            List.of("qli", "metrics"), PruneMode.PURGE, 5000);

    static final ProgressReported PROGRESS_REPORTED = new ProgressReported(
            UUID.fromString("7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"), MIGRATION,
            Instant.parse("2025-03-14T09:41:03.250Z"), "prune", RUN, "deleting",
            500_000, 1_250_000, "rows", 812.5, 923L, "qli public.query_log_item");

    static final PruneCompleted PRUNE_COMPLETED = new PruneCompleted(
            UUID.fromString("a4b5c6d7-e8f9-4a0b-9c1d-2e3f4a5b6c7d"), MIGRATION,
            Instant.parse("2025-03-14T10:02:11Z"), RUN, "catalog_eu", PruneMode.PURGE, 1_250_000, 2_118_000,
            List.of(
                    new PrunedTable("qli", "public.query_log_item", Instant.parse("2024-03-14T00:00:00Z"),
                            PrunedTable.Status.PRUNED, 2_000_000, 1_250_000, 1_250_000, 750_000, 0, null),
                    new PrunedTable("metrics", "metrics.sample", Instant.parse("2024-09-14T00:00:00Z"),
                            PrunedTable.Status.SKIPPED, 0, 0, 0, 0, 0, "table does not exist in this database")),
            List.of("metrics.sample skipped: not in this database"));

    static final PruneFailed PRUNE_FAILED = new PruneFailed(
            UUID.fromString("b5c6d7e8-f9a0-4b1c-8d2e-3f4a5b6c7d8e"), MIGRATION,
            Instant.parse("2025-03-14T09:58:40Z"), RUN, "catalog_eu",
            "post-validation: 4,210 rows past retention remain in public.query_log_item (tolerance 1,000)",
            "check for writers inserting back-dated rows, then send StartPrune again for this database",
            List.of(new PrunedTable("qli", "public.query_log_item", Instant.parse("2024-03-14T00:00:00Z"),
                    PrunedTable.Status.PRUNED, 2_000_000, 1_250_000, 1_245_790, 754_210, 4_210,
                    "4,210 rows past retention remain")));

    /** Each message, the family (sealed interface) it travels as, and its golden file. */
    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("StartPrune", PruneCommand.class, START_PRUNE),
                Arguments.of("ProgressReported", ProgressEvent.class, PROGRESS_REPORTED),
                Arguments.of("PruneCompleted", OutcomeEvent.class, PRUNE_COMPLETED),
                Arguments.of("PruneFailed", OutcomeEvent.class, PRUNE_FAILED));
    }

    @ParameterizedTest(name = "{0} is written exactly as golden/{0}.json")
    @MethodSource("messages")
    void aMessageWrittenAsItsFamilyMatchesItsGoldenFile(String name, Class<?> family, Object message) {
        String written = mapper.writerFor(family).writeValueAsString(message);

        assertJsonEquals(written, golden(name), name);
    }

    @ParameterizedTest(name = "{0} sent by its own class (as the Kafka serializer does) still carries its type")
    @MethodSource("messages")
    void aMessageWrittenByItsOwnClassMatchesItsGoldenFileToo(String name, Class<?> family, Object message) {
        // JacksonJsonSerializer writes the runtime class, not the family: the discriminator must survive that.
        String written = mapper.writeValueAsString(message);

        assertJsonEquals(written, golden(name), name);
        assertThat(mapper.readTree(written).get("type").asString()).isEqualTo(name);
    }

    @ParameterizedTest(name = "golden/{0}.json reads back as the same {0}")
    @MethodSource("messages")
    void aGoldenFileReadAsItsFamilyGivesBackAnEqualMessage(String name, Class<?> family, Object message) {
        Object read = mapper.readValue(golden(name), family);

        assertThat(read).isInstanceOf(message.getClass()).isEqualTo(message);
    }

    @Test
    void aCommandOfAnUnknownTypeIsRejected() {
        String startPurge = golden("StartPrune").replace("\"StartPrune\"", "\"StartPurge\"");

        assertThatThrownBy(() -> mapper.readValue(startPurge, PruneCommand.class))
                .isInstanceOf(InvalidTypeIdException.class)
                .hasMessageContaining("StartPurge");
    }

    @Test
    void aCommandWithoutAnyTypeIsRejected() {
        String untyped = golden("StartPrune").replace("\"type\" : \"StartPrune\",", "");
        assertThat(untyped).doesNotContain("\"type\"");

        assertThatThrownBy(() -> mapper.readValue(untyped, PruneCommand.class))
                .isInstanceOf(InvalidTypeIdException.class);
    }

    @Test
    void anOutcomeEventSentToTheCommandTopicIsNotMistakenForACommand() {
        assertThatThrownBy(() -> mapper.readValue(golden("PruneCompleted"), PruneCommand.class))
                .isInstanceOf(InvalidTypeIdException.class)
                .hasMessageContaining("PruneCompleted");
    }

    @Test
    void aMisspeltFieldIsRejectedInsteadOfSilentlyMeaningAllGroups() {
        // "group" instead of "groups": read leniently this would be an empty list, i.e. prune every group.
        String misspelt = golden("StartPrune").replace("\"groups\"", "\"group\"");

        assertThatThrownBy(() -> mapper.readValue(misspelt, PruneCommand.class))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("\"group\"");
    }

    @Test
    void anUnknownFieldInANestedEndpointIsRejectedToo() {
        String withPassword = golden("StartPrune").replace("\"sslmode\"", "\"password\" : \"hunter2\",\n    \"sslmode\"");

        assertThatThrownBy(() -> mapper.readValue(withPassword, PruneCommand.class))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("\"password\"");
    }

    @Test
    void aNullCountIsRejectedRatherThanReadAsZero() {
        String nullDone = golden("ProgressReported").replace("\"done\" : 500000", "\"done\" : null");
        assertThat(nullDone).contains("\"done\" : null");

        assertThatThrownBy(() -> mapper.readValue(nullDone, ProgressEvent.class))
                .isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("done");
    }

    @Test
    void truncatedJsonIsRejected() {
        String full = golden("PruneFailed");
        String truncated = full.substring(0, full.length() / 2);

        assertThatThrownBy(() -> mapper.readValue(truncated, OutcomeEvent.class))
                .isInstanceOf(JacksonException.class);
    }

    @Test
    void somethingThatIsNotJsonAtAllIsRejected() {
        assertThatThrownBy(() -> mapper.readValue("StartPrune catalog_eu PURGE", PruneCommand.class))
                .isInstanceOf(StreamReadException.class);
    }

    @Test
    void aCommandThatNamesNoModeIsADryRunAndNoGroupsMeansAllGroups() {
        String minimal = """
                {"type": "StartPrune",
                 "commandId": "3f2b8c1e-5d4a-4b6f-9e21-0a7c3d9b1f10",
                 "migrationId": "mig-2025-03-catalog-eu",
                 "issuedAt": "2025-03-14T09:26:53Z",
                 "database": {"host": "h", "port": 5432, "database": "d", "user": "u", "passwordRef": "env:PG"}}""";

        var command = (StartPrune) mapper.readValue(minimal, PruneCommand.class);

        assertThat(command.mode()).isEqualTo(PruneMode.DRY_RUN);
        assertThat(command.groups()).isEmpty();
        assertThat(command.batchSize()).isNull();
        assertThat(command.database().sslmode()).as("TLS with the server verified unless the command says otherwise")
                .isEqualTo("verify-full");
    }

    private static void assertJsonEquals(String actual, String expected, String name) {
        JsonNode actualTree = mapper.readTree(actual);
        JsonNode expectedTree = mapper.readTree(expected);
        assertThat(actualTree)
                .as("%s as written now (left) must equal golden/%s.json (right); if the change is intended, "
                        + "update the golden file so reviewers see it:%n%s", name, name,
                        mapper.writerWithDefaultPrettyPrinter().writeValueAsString(actualTree))
                .isEqualTo(expectedTree);
    }

    static String golden(String name) {
        try (InputStream in = MessageContractTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("golden/%s.json on the test classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
