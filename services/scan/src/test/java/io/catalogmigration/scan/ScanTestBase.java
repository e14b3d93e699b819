package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CorruptRow;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real parts for every scan scenario: one PostgreSQL cluster with the generated catalog plus a table of wide TOASTed
 * values (uncompressible and compressible) in template databases, the control database, and an in-process KRaft
 * broker. Each scenario damages its own copy with pg_surgery, so the corruption is real: PostgreSQL itself fails to
 * read the rows.
 */
abstract class ScanTestBase {

    static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(60);
    static final String ROSEMETA_TEMPLATE = "scan_rosemeta_template";
    static final String LINEAGE_TEMPLATE = "scan_lineage_template";
    static final String BLOBS = "public.scan_blob";
    static final int BLOB_ROWS = 600;
    static final AtomicInteger copies = new AtomicInteger();

    static PostgresCluster pg;
    static KafkaBroker kafka;
    static EventLog events;
    static CommandSender commands;

    @BeforeAll
    static void startRealParts() {
        pg = PostgresCluster.builder("scan-test").fast().start();
        SampleCatalog.generate(pg, SampleSize.tiny());
        pg.execute("postgres", "create database " + ROSEMETA_TEMPLATE + " template " + SampleCatalog.ROSEMETA,
                "create database " + LINEAGE_TEMPLATE + " template " + SampleCatalog.LINEAGE);
        addBlobTable(ROSEMETA_TEMPLATE);
        addBlobTable(LINEAGE_TEMPLATE);
        kafka = KafkaBroker.start();
        for (String topic : List.of(Topics.SCAN_COMMAND, Topics.SCAN_WORK)) {
            kafka.createTopic(topic, topic.equals(Topics.SCAN_WORK) ? 6 : 1);
            kafka.createTopic(Topics.deadLetter(topic), topic.equals(Topics.SCAN_WORK) ? 6 : 1);
        }
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        events = EventLog.follow(kafka.bootstrapServers(), Topics.deadLetter(Topics.SCAN_COMMAND), Topics.deadLetter(Topics.SCAN_WORK));
        commands = new CommandSender(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopRealParts() {
        commands.close();
        events.close();
        kafka.close();
        pg.close();
    }

    /**
     * Wide values: {@code wide} is random md5 text over 3 kB (does not compress, stored out of line as is),
     * {@code packed} repeats itself (compressed, still over 2 kB, so out of line and compressed).
     */
    static void addBlobTable(String database) {
        pg.execute(database, """
                create table scan_blob (id bigint primary key, label text not null, wide text, packed text)""", """
                insert into scan_blob
                select g, 'blob ' || g,
                       (select string_agg(md5(g::text || '-' || i), '') from generate_series(1, 100) i),
                       (select string_agg(repeat(md5(i::text || '/' || g), 4), '') from generate_series(1, 100) i)
                from generate_series(1, %d) g""".formatted(BLOB_ROWS), "vacuum analyze scan_blob");
    }

    static ConfigurableApplicationContext startService(Map<String, Object> overrides) {
        Map<String, Object> settings = new java.util.LinkedHashMap<>(Map.of("scan.split-size", "32KB"));
        settings.putAll(overrides);
        return ServiceRunner.start(ScanApplication.class, pg, kafka.bootstrapServers(), settings);
    }

    static PgEndpoint copyOf(String template) {
        String name = "scan_copy_" + copies.incrementAndGet();
        pg.execute("postgres", "create database " + name + " template " + template);
        return pg.endpoint(name);
    }

    static StartScan command(List<PgEndpoint> databases, ScanMode mode, ScanMethod method, List<String> tables) {
        return new StartScan(UUID.randomUUID(), "mig-" + UUID.randomUUID().toString().substring(0, 8), Instant.now(),
                databases, mode, tables, null, method);
    }

    static OutcomeEvent send(StartScan command) {
        commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
        return events.awaitOutcome(command.commandId(), OUTCOME_TIMEOUT);
    }

    /**
     * Kills TOAST tuples of the given rows with pg_surgery, one tid per call: for each id, chunk 1 of its {@code wide}
     * value, or with {@code packed} true the first chunk of its compressed {@code packed} value. The owning row is found
     * from the value's content (chunk 0 of an uncompressed value is its first bytes), and a compressed value's TOAST
     * id from the wide one's neighbour (both were stored by the same insert), checked to be nobody else's.
     */
    static void damage(String database, Set<Long> wideIds, Set<Long> packedIds) {
        pg.execute(database, "create extension if not exists pg_surgery");
        try (var connection = pg.connect(database); var statement = connection.createStatement()) {
            String toast;
            try (var rs = statement.executeQuery("select reltoastrelid::regclass::text from pg_class where oid = '" + BLOBS + "'::regclass")) {
                rs.next();
                toast = rs.getString(1);
            }
            statement.execute("create temp table owner as select b.id, t.chunk_id from " + toast + " t join scan_blob b "
                    + "on t.chunk_seq = 0 and substring(t.chunk_data from 1 for 64) = substring(convert_to(b.wide, 'UTF8') from 1 for 64)");
            assertThat(count(statement, "select count(distinct id) from owner")).as("rows whose wide value's chunk 0 was found")
                    .isEqualTo(BLOB_ROWS);
            List<String> tids = new ArrayList<>();
            for (long id : wideIds) {
                tids.add(one(statement, "select t.ctid::text from " + toast + " t join owner o using (chunk_id) where o.id = " + id
                        + " and t.chunk_seq = 1"));
            }
            // One insert stores both values of a row, one right after the other; which comes first is the same for every
            // row, so the very first TOAST value tells: a wide one means packed = wide + 1, else packed = wide - 1.
            long step = count(statement, "select case when (select min(chunk_id::bigint) from " + toast
                    + ") = (select min(chunk_id::bigint) from owner) then 1 else -1 end");
            for (long id : packedIds) {
                tids.add(one(statement, "select t.ctid::text from " + toast + " t, owner o where o.id = " + id
                        + " and t.chunk_id::bigint = o.chunk_id::bigint + (" + step + ") and t.chunk_id not in (select chunk_id from owner)"
                        + " and t.chunk_seq = 0"));
            }
            for (String tid : tids) {
                statement.execute("select heap_force_kill('" + toast + "'::regclass, array['" + tid + "'::tid])");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not damage " + database, e);
        }
    }

    static Set<Long> ids(String database) {
        Set<Long> ids = new TreeSet<>();
        try (var connection = pg.connect(database); var rs = connection.createStatement().executeQuery("select id from " + BLOBS)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** The ctid of each given row now, read without touching its TOAST values. */
    static Set<String> ctids(String database, Set<Long> ids) {
        Set<String> ctids = new TreeSet<>();
        try (var connection = pg.connect(database); var ps = connection.prepareStatement("select ctid::text from " + BLOBS + " where id = any(?)")) {
            ps.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    ctids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ctids;
    }

    static Set<Long> keys(List<CorruptRow> rows) {
        Set<Long> keys = new TreeSet<>();
        rows.forEach(r -> keys.add(Long.parseLong(r.key().get("id"))));
        return keys;
    }

    static List<CorruptRow> corrupted(ScanCompleted outcome) {
        return outcome.databases().stream().flatMap(d -> d.tables().stream()).flatMap(t -> t.corrupted().stream()).toList();
    }

    static List<CorruptRow> deleted(ScanCompleted outcome) {
        return outcome.databases().stream().flatMap(d -> d.tables().stream()).flatMap(t -> t.deleted().stream()).toList();
    }

    private static long count(java.sql.Statement statement, String sql) throws SQLException {
        try (var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String one(java.sql.Statement statement, String sql) throws SQLException {
        try (var rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            String value = rs.getString(1);
            assertThat(rs.next()).as("exactly one row from %s", sql).isFalse();
            return value;
        }
    }

    static void assertNoPasswordCrossedTheBroker() {
        assertThat(events.records()).allSatisfy(record -> {
            assertThat(record.value()).doesNotContain(pg.password());
            assertThat(record.headers().values()).noneMatch(v -> v != null && v.contains(pg.password()));
        });
    }
}
