package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourceBackedUp;
import io.catalogmigration.common.contract.SourceCheck;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.TableSync;
import io.catalogmigration.common.contract.VerificationReport;
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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The replicator's messages on the wire, pinned by golden files under {@code src/test/resources/golden}. */
class ReplicateMessagesTest {

    static final UUID RUN = UUID.fromString("7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
    static final UUID EVENT = UUID.fromString("8d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a");
    static final String MIGRATION = "rds-2026-11";
    static final Instant AT = Instant.parse("2026-11-21T02:00:00Z");
    static final PgEndpoint SOURCE = new PgEndpoint("catalog-db.internal", 5432, "rosemeta", "postgres", "require",
            "env:SOURCE_PASSWORD");
    static final PgEndpoint TARGET = new PgEndpoint("catalog.abc.eu-west-1.rds.amazonaws.com", 5432, "postgres", "alation_admin",
            "verify-full", "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-admin");
    static final PgEndpoint REPLICATION = new PgEndpoint("10.0.1.15", 5432, "rosemeta", "replicator", "require",
            "env:REPLICATION_PASSWORD");

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("BackUpSource", ReplicateCommand.class, new BackUpSource(RUN, MIGRATION, AT, SOURCE.withDatabase("postgres"))),
                Arguments.of("SourceBackedUp", OutcomeEvent.class, new SourceBackedUp(EVENT, MIGRATION, AT, RUN,
                        SOURCE.withDatabase("postgres").describe(), SourceBackedUp.PG_BASEBACKUP,
                        "/var/backups/catalog-migration/rds-2026-11-20261121T020000Z", 196_106_780_672L, true,
                        "pg_verifybackup: backup successfully verified",
                        List.of("412,300 MB free in /var/backups/catalog-migration before the backup; the databases take 187,020 MB"))),
                Arguments.of("PrepareSource", ReplicateCommand.class, new PrepareSource(RUN, MIGRATION, AT, SOURCE.withDatabase("postgres"),
                        List.of("rosemeta", "lineage"), "10.0.2.40", "replicator", "env:REPLICATION_PASSWORD", 8)),
                Arguments.of("StartReplication", ReplicateCommand.class, new StartReplication(RUN, MIGRATION, AT, SOURCE, TARGET,
                        REPLICATION, Map.of("alation", "env:ALATION_PASSWORD"))),
                Arguments.of("CheckReplication", ReplicateCommand.class, new CheckReplication(RUN, MIGRATION, AT, SOURCE, TARGET)),
                Arguments.of("ResetReplication", ReplicateCommand.class, new ResetReplication(RUN, MIGRATION, AT, SOURCE, TARGET, MIGRATION)),
                Arguments.of("SourcePrepared", OutcomeEvent.class, new SourcePrepared(EVENT, MIGRATION, AT, RUN,
                        SOURCE.withDatabase("postgres").describe(), "13.11", false, true, List.of(
                        new SourceCheck("wal_level", "replica", "logical", SourceCheck.RESTART_REQUIRED,
                                "set with ALTER SYSTEM; restart the source server, then send PrepareSource again"),
                        new SourceCheck("max_wal_senders", "10", ">= 12", SourceCheck.OK, null)))),
                Arguments.of("ReplicationStarted", OutcomeEvent.class, new ReplicationStarted(EVENT, MIGRATION, AT, RUN, "rosemeta",
                        "migration_rosemeta", "migration_rosemeta", "migration_rosemeta", 812, List.of("alation"),
                        List.of("extension file_fdw is not available on the target: left out of the schema",
                                "large objects: 412 (96,468,992 bytes) copied with their owners and privileges (412 by this "
                                        + "command); those changed, added or deleted later are carried by each CheckReplication "
                                        + "and, with writes stopped, by the cutover's window, which compares every one by content hash",
                                "unlogged table public.session_cache (8,192,000 bytes) cannot be replicated: it is created empty on "
                                        + "the target and its rows are copied in the cutover's window (cutover.unlogged-tables: "
                                        + "copy), unless the operator chose to leave it empty"), 2091)),
                Arguments.of("ReplicationStatusReported", OutcomeEvent.class, new ReplicationStatusReported(EVENT, MIGRATION, AT, RUN,
                        "rosemeta", ReplicationStatusReported.NEED_TO_WAIT, List.of(new TableSync("public.rosemeta_table", "d"),
                        new TableSync("public.rosemeta_attribute", "r")), 7_340_032, 0, 2090, 0, 2091, List.of(),
                        new VerificationReport(VerificationReport.VERIFYING, 120, 812, 48_000_000, 15_032_385_536L, List.of(), 0,
                                0, "online pass: 120/812 chunks verified"), List.of(
                        new CopiedObject("rosemeta", CopiedObject.LARGE_OBJECTS, null, 412, 96_468_992, 1_840, true,
                                "412 large objects (96,468,992 bytes) on the source: 3 copied (24,576 bytes), 1 deleted, "
                                        + "0 given their owner or privileges again, in 1840 ms"),
                        new CopiedObject("rosemeta", CopiedObject.MATERIALIZED_VIEW, "public.rosemeta_table_stats", 8_112, 0,
                                2_310, true, "refreshed on the target after the initial copy in 2310 ms; refreshed again in "
                                + "the cutover's window and compared there with its query on the source")), List.of("column public.rosemeta_table.tags was "
                        + "added on the source (the apply worker stops at its first row): on the target ALTER TABLE "
                        + "public.rosemeta_table ADD COLUMN tags public.hstore"))),
                Arguments.of("ReplicationReset", OutcomeEvent.class, new ReplicationReset(EVENT, MIGRATION, AT, RUN, "rosemeta",
                        true, true, true, true, List.of("alation_db"), List.of("alation: still owns or is granted objects "
                        + "in database lineage; the reset of that database drops it"),
                        List.of("revoked on the source what StartReplication granted: SELECT on table public.rosemeta_table "
                                + "to replicator"))),
                Arguments.of("ReplicationFailed", OutcomeEvent.class, new ReplicationFailed(EVENT, MIGRATION, AT, RUN,
                        "StartReplication", SOURCE.describe(), "the source's wal_level is replica, not logical",
                        "send PrepareSource, restart the source server as it says, then send StartReplication again")));
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
    void noCommandCarriesAPassword() {
        messages().forEach(a -> assertThat(golden((String) a.get()[0])).doesNotContainIgnoringCase("\"password\""));
    }

    static String golden(String name) {
        try (InputStream in = ReplicateMessagesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("golden/%s.json on the test classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
