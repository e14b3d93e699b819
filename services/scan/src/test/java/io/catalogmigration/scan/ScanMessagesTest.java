package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CorruptRow;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanFailed;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.ScannedDatabase;
import io.catalogmigration.common.contract.ScannedTable;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scan's messages on the wire, pinned by golden files under {@code src/test/resources/golden}. */
class ScanMessagesTest {

    static final UUID RUN = UUID.fromString("7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
    static final String MIGRATION = "rds-2026-11";
    static final Instant AT = Instant.parse("2026-11-21T02:00:00Z");
    static final PgEndpoint ROSEMETA = new PgEndpoint("catalog-db.internal", 5432, "rosemeta", "alation", "verify-full",
            "env:ROSEMETA_PASSWORD");
    static final PgEndpoint LINEAGE = ROSEMETA.withDatabase("lineage");
    static final CorruptRow ROW = new CorruptRow("public.data_storage_blobaccesspostgres", "(56,70)",
            "missing chunk number 0 for toast value 3523697 in pg_toast_3131713", Map.of("id", "4711"));

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("StartScan", ScanCommand.class, new StartScan(RUN, MIGRATION, AT, List.of(ROSEMETA, LINEAGE),
                        ScanMode.REPAIR, List.of("public.data_storage_blobaccesspostgres"), 4, ScanMethod.AUTO)),
                Arguments.of("ScanCompleted", OutcomeEvent.class, new ScanCompleted(
                        UUID.fromString("8d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"), MIGRATION, AT, RUN, ScanMode.REPAIR, 2,
                        List.of("rosemeta/public.data_storage_blobaccesspostgres"), 1, 1, 3_221_225_472L, 41_250,
                        List.of(new ScannedDatabase(ROSEMETA.describe(), ScanMethod.AMCHECK, 3_221_225_472L,
                                        List.of(new ScannedTable("public.data_storage_blobaccesspostgres", "pg_toast.pg_toast_3131713",
                                                3_221_225_472L, ScannedTable.Status.REPAIRED, List.of(ROW), List.of(ROW))), null),
                                new ScannedDatabase(LINEAGE.describe(), ScanMethod.READ_ROWS, 0, List.of(),
                                        "server version 130011 has no verify_heapam (PostgreSQL 14 or later is needed); reading every row instead")))),
                Arguments.of("ScanFailed", OutcomeEvent.class, new ScanFailed(
                        UUID.fromString("9e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"), MIGRATION, AT, RUN,
                        "unknown table(s) [public.no_such_table]: not a table in any of the databases",
                        "name tables as schema.table exactly as in the catalog (case matters), then send the command again "
                                + "with a new commandId; nothing was scanned or changed",
                        List.of(ROSEMETA.describe(), LINEAGE.describe()))));
    }

    @ParameterizedTest(name = "{0} is written exactly as golden/{0}.json and reads back equal")
    @MethodSource("messages")
    void aMessageMatchesItsGoldenFileBothWays(String name, Class<?> family, Object message) {
        var mapper = MessageJson.mapper();

        assertThat(mapper.readTree(mapper.writerFor(family).writeValueAsString(message))).isEqualTo(mapper.readTree(golden(name)));
        assertThat(mapper.readTree(mapper.writeValueAsString(message)).get("type").asString()).isEqualTo(name);
        assertThat(mapper.readValue(golden(name), family)).isEqualTo(message);
    }

    @Test
    void aPasswordFieldInACommandIsRejectedNotIgnored() {
        String withPassword = golden("StartScan").replace("\"mode\"", "\"password\" : \"hunter2\",\n  \"mode\"");

        assertThatThrownBy(() -> MessageJson.mapper().readValue(withPassword, ScanCommand.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("password");
    }

    @Test
    void theOptionalFieldsOfACommandTakeTheirDefaults() {
        String minimal = """
                {"type": "StartScan", "commandId": "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "migrationId": "m",
                 "issuedAt": "2026-11-21T02:00:00Z",
                 "databases": [{"host": "h", "port": 5432, "database": "rosemeta", "user": "u", "passwordRef": "env:PG"}]}""";

        var command = (StartScan) MessageJson.mapper().readValue(minimal, ScanCommand.class);

        assertThat(command.mode()).isEqualTo(ScanMode.REPORT);
        assertThat(command.method()).isEqualTo(ScanMethod.AUTO);
        assertThat(command.tables()).isEmpty();
        assertThat(command.parallelism()).isNull();
    }

    static String golden(String name) {
        try (InputStream in = ScanMessagesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("golden/%s.json on the test classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
