package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import org.awaitility.Awaitility;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the end-to-end replication tests do alike, between a source and a target server: the tables a writer changes
 * while replication runs, the broker with the replicator's topics, commands sent and their outcomes awaited, secrets
 * as files, and the check that the target caught up table by table.
 */
final class ReplicationScenario implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String REPLICATION_USER = "replicator";

    /**
     * Tables of every shape the writer changes: without a key, TOASTed, partitioned, mixed-case names, and indexes
     * the post-data builds.
     */
    static final List<String> WRITTEN_TABLES = List.of(
            "create table no_key (a int, b text)",
            "insert into no_key select g, 'row ' || g from generate_series(1, 500) g",
            "create table blob (id bigint primary key, body text)",
            "insert into blob select g, (select string_agg(md5(g::text || i), '') from generate_series(1, 200) i) "
                    + "from generate_series(1, 200) g",
            "create table events_p (id bigint not null, at date not null, what text, primary key (id, at)) partition by range (at)",
            "create table events_p_2025 partition of events_p for values from ('2025-01-01') to ('2026-01-01')",
            "create table events_p_2026 partition of events_p for values from ('2026-01-01') to ('2027-01-01')",
            "insert into events_p select g, date '2025-06-01' + (g % 400), 'e' || g from generate_series(1, 2000) g",
            "create index events_p_what on events_p (what)",
            "create schema \"Mixed\"",
            "create table \"Mixed\".\"CamelTable\" (\"Id\" int primary key, \"Label\" text)",
            "insert into \"Mixed\".\"CamelTable\" select g, 'L' || g from generate_series(1, 300) g",
            "create index \"CamelLabel\" on \"Mixed\".\"CamelTable\" (\"Label\")",
            "create index blob_body_prefix on blob (left(body, 10))");

    final PostgresCluster source;
    final PostgresCluster target;
    final String migration;
    final String database;
    final KafkaBroker kafka;
    final EventLog events;
    final CommandSender commands;
    private final Path secrets;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong writes = new AtomicLong();
    private Thread writer;

    /** The broker with the replicator's topics, and a follower of its events; {@code database} is the one written. */
    ReplicationScenario(PostgresCluster source, PostgresCluster target, String migration, String database) throws Exception {
        this.source = source;
        this.target = target;
        this.migration = migration;
        this.database = database;
        this.secrets = Files.createTempDirectory("replicator-test");
        this.kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        this.events = EventLog.follow(kafka.bootstrapServers());
        this.commands = new CommandSender(kafka.bootstrapServers());
    }

    OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    /** A secret as a file only its owner reads; returns its reference. */
    String secret(String name, String value) throws Exception {
        Path file = Files.createFile(secrets.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value);
        return "file:" + file;
    }

    StartReplication start(String database, String passwordRef) {
        var replication = new PgEndpoint(source.host(), source.port(), database, REPLICATION_USER, "disable", passwordRef);
        return new StartReplication(UUID.randomUUID(), migration, Instant.now(), source.endpoint(database),
                target.endpoint("postgres"), replication, Map.of());
    }

    /** Inserts, updates and deletes in every one of {@link #WRITTEN_TABLES} until {@link #stopWriter}. */
    void startWriter() {
        writer = new Thread(() -> {
            try (Connection c = source.connect(database); var st = c.createStatement()) {
                long i = 0;
                while (writing.get()) {
                    i++;
                    st.execute("insert into no_key values (" + (10_000 + i) + ", 'new')");
                    st.execute("update no_key set b = b || '+' where a = " + (i % 500 + 1));
                    st.execute("update blob set body = md5(body) || body where id = " + (i % 200 + 1));
                    st.execute("delete from events_p where id = " + i);
                    st.execute("insert into events_p values (" + (100_000 + i) + ", date '2026-02-01', 'late')");
                    st.execute("update \"Mixed\".\"CamelTable\" set \"Label\" = 'U' || " + i + " where \"Id\" = " + (i % 300 + 1));
                    writes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "source-writer");
        writer.start();
    }

    /** Stops the writer; returns how many rounds of changes it made. */
    long stopWriter() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join(5_000);
        }
        return writes.get();
    }

    /**
     * CheckReplication until it says STOP_WAITING with every deferred statement done, then every table of the database
     * equal on both sides (STOP_WAITING allows a lag under the threshold: the last writes arrive moments later).
     */
    ReplicationStatusReported awaitCaughtUp(String database) throws Exception {
        ReplicationStatusReported status = null;
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            var outcome = send(new CheckReplication(UUID.randomUUID(), migration, Instant.now(), source.endpoint(database),
                    target.endpoint("postgres")));
            assertThat(outcome).as(outcome.toString()).isInstanceOf(ReplicationStatusReported.class);
            status = (ReplicationStatusReported) outcome;
            if (status.answer().equals(ReplicationStatusReported.STOP_WAITING) && status.postDataDone() == status.postDataTotal()) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(status).isNotNull();
        assertThat(status.answer()).as(database).isEqualTo(ReplicationStatusReported.STOP_WAITING);
        assertThat(status.failures()).isEmpty();
        List<String> tables = tables(database);
        assertThat(tables).isNotEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String table : tables) {
                assertThat(fingerprint(target, database, table)).as(database + " " + table)
                        .isEqualTo(fingerprint(source, database, table));
            }
        });
        return status;
    }

    /** The database's logged tables (unlogged ones are created empty, never replicated), quoted. */
    List<String> tables(String database) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = source.connect(database); var rs = c.createStatement().executeQuery("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'r' and c.relpersistence = 'p' and n.nspname not in ('pg_catalog', 'information_schema')
                order by 1""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /**
     * The row count and the sum of the first 64 bits of each row's md5: order-independent and streaming (a string_agg
     * of a large table would pass 1 GB).
     */
    static String fingerprint(PostgresCluster cluster, String database, String table) throws Exception {
        try (Connection c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                "select count(*) || ':' || coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0) from "
                        + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() throws Exception {
        stopWriter();
        commands.close();
        events.close();
        kafka.close();
    }
}
