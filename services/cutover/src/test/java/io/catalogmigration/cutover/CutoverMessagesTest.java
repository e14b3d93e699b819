package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.ApplicationSessions;
import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverFinished;
import io.catalogmigration.common.contract.CutoverPhase;
import io.catalogmigration.common.contract.CutoverReset;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.FallbackReplication;
import io.catalogmigration.common.contract.FallbackReported;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.VerifiedTable;
import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover's messages on the wire, pinned by golden files under {@code src/test/resources/golden}
 * ({@code -Dgolden.write=true} rewrites them; review the diff).
 */
class CutoverMessagesTest {

    static final UUID RUN = UUID.fromString("9b4d7e2f-1c3a-4b5d-8e6f-0a1b2c3d4e5f");
    static final UUID EVENT = UUID.fromString("c7a1e5d3-2b4f-4c6e-8a0b-1d3f5e7a9c2b");
    static final String MIGRATION = "rds-2026-11";
    static final Instant AT = Instant.parse("2026-11-21T06:00:00Z");
    static final List<String> DATABASES = List.of("rosemeta", "lineage");
    static final PgEndpoint SOURCE = new PgEndpoint("catalog-db.internal", 5432, "postgres", "postgres", "verify-full",
            "env:SOURCE_ADMIN_PASSWORD");
    static final PgEndpoint TARGET = new PgEndpoint("catalog-rds-2026-11.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com", 5432,
            "postgres", "postgres", "verify-full",
            "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1f2e3d4c#password");
    static final PgEndpoint FALLBACK = new PgEndpoint(TARGET.host(), 5432, "postgres", "catalog_fallback", "verify-full",
            "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-migration/fallback-AbCdEf#password");
    static final List<CutoverPhase> PHASES = List.of(new CutoverPhase("PREFLIGHT", 2410), new CutoverPhase("STOP_WRITES", 180),
            new CutoverPhase("WAIT_FOR_TARGET", 95), new CutoverPhase("COPY_SEQUENCES", 60), new CutoverPhase("VERIFY", 640),
            new CutoverPhase("FALLBACK", 310), new CutoverPhase("DROP_SUBSCRIPTIONS", 120), new CutoverPhase("SWITCH", 15),
            new CutoverPhase("START_APPLICATION", 4200), new CutoverPhase("CONFIRM_APPLICATION", 2300));
    static final List<FallbackReplication> FALLBACKS = List.of(
            new FallbackReplication("rosemeta", "fallback_rosemeta", "fallback_rosemeta", "fallback_rosemeta", true, 2048L,
                    "the source applies the target's writes"),
            new FallbackReplication("lineage", "fallback_lineage", "fallback_lineage", "fallback_lineage", true, 0L,
                    "the source applies the target's writes"));

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("RunPreflight", CutoverCommand.class, new RunPreflight(RUN, MIGRATION, AT, SOURCE, TARGET, DATABASES,
                        FALLBACK)),
                Arguments.of("StartCutover", CutoverCommand.class, new StartCutover(RUN, MIGRATION, AT, SOURCE, TARGET, DATABASES,
                        "alation", "aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:catalog-migration/alation-AbCdEf#password",
                        "verify-full", MIGRATION, 30, FALLBACK)),
                Arguments.of("RollBackCutover", CutoverCommand.class, new RollBackCutover(RUN, MIGRATION, AT, SOURCE, TARGET,
                        DATABASES, MIGRATION)),
                Arguments.of("ResetCutover", CutoverCommand.class, new ResetCutover(RUN, MIGRATION, AT, SOURCE, TARGET, DATABASES,
                        MIGRATION)),
                Arguments.of("FinishCutover", CutoverCommand.class, new FinishCutover(RUN, MIGRATION, AT, SOURCE, TARGET,
                        DATABASES, MIGRATION)),
                Arguments.of("CheckFallback", CutoverCommand.class, new CheckFallback(RUN, MIGRATION, AT, SOURCE, TARGET,
                        DATABASES)),
                Arguments.of("PreflightPassed", OutcomeEvent.class, new PreflightPassed(EVENT, MIGRATION, AT, RUN, List.of(
                        new CutoverCheck("rosemeta", "lag", CutoverCheck.OK, "2048 bytes behind"),
                        new CutoverCheck(null, "fallback", CutoverCheck.OK, "the target can replicate the application's "
                                + "writes back to the source as catalog_fallback")))),
                Arguments.of("CutoverCompleted", OutcomeEvent.class, new CutoverCompleted(EVENT, MIGRATION, AT, RUN, DATABASES,
                        5630, PHASES, List.of(new VerifiedTable("rosemeta", "public.rosemeta_table", "key ranges", 1_250_000,
                        312, true)), 214, "file /etc/catalog/application-db.properties", "3/1A2B3C40", List.of("alation"),
                        FALLBACKS, new ApplicationSessions("alation", 12, 0, true, 2300),
                        List.of("the source stays fenced (read-only, roles [alation] may not log in) and applies the "
                                + "application's writes on the target"))),
                Arguments.of("CutoverFailed", OutcomeEvent.class, new CutoverFailed(EVENT, MIGRATION, AT, RUN, "StartCutover",
                        "WAIT_FOR_TARGET", "the write downtime reached its limit of 30000 ms in WAIT_FOR_TARGET",
                        "the source was released and the application keeps running on it", true, false, List.of(),
                        List.of())),
                Arguments.of("CutoverRolledBack", OutcomeEvent.class, new CutoverRolledBack(EVENT, MIGRATION, AT, RUN, DATABASES,
                        1880, List.of(new CutoverPhase("STOP_WRITES", 380), new CutoverPhase("WAIT_FOR_SOURCE", 610),
                        new CutoverPhase("COPY_SEQUENCES", 210), new CutoverPhase("DROP_FALLBACK", 470),
                        new CutoverPhase("SWITCH_BACK", 50), new CutoverPhase("RELEASE_SOURCE", 110),
                        new CutoverPhase("START_APPLICATION", 50)), "0/2D9C000", 214,
                        "file /etc/catalog/application-db.properties", List.of("every write made on the target was applied "
                        + "to the source before the application went back"))),
                Arguments.of("CutoverReset", OutcomeEvent.class, new CutoverReset(EVENT, MIGRATION, AT, RUN, DATABASES, false,
                        List.of(UUID.fromString("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")), List.of())),
                Arguments.of("CutoverFinished", OutcomeEvent.class, new CutoverFinished(EVENT, MIGRATION, AT, RUN, DATABASES,
                        List.of("subscription fallback_rosemeta on the source", "slot fallback_rosemeta on the target",
                                "publication fallback_rosemeta on the target"), true,
                        List.of("the source stays fenced; the finish hook ran"))),
                Arguments.of("FallbackReported", OutcomeEvent.class, new FallbackReported(EVENT, MIGRATION, AT, RUN, "COMPLETED",
                        FALLBACKS, List.of())));
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
        assertThat(mapper.readValue(golden(name), family)).isEqualTo(message);
    }

    @Test
    void noMessageCarriesAPassword() {
        messages().forEach(a -> assertThat(golden((String) a.get()[0])).doesNotContainIgnoringCase("\"password\""));
    }

    static String golden(String name) {
        try (InputStream in = CutoverMessagesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("golden/%s.json on the test classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
