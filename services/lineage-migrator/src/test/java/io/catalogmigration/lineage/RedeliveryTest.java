package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.Transactions;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What makes a redelivered message harmless, on a real lineage database: the messages claimed in link_message and the
 * edge key, also while a first load runs without that key.
 */
class RedeliveryTest {

    static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.builder("lineage-redelivery").fast().start();
        pg.createDatabase("lineage");
        graph("lineage");
    }

    private static void graph(String database) {
        pg.execute(database, read("db/lineage-graph/V1__graph.sql"));
        pg.execute(database, read("db/lineage-graph/V2__link_message.sql"));
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void writingTheSameLinksAgainChangesNothingAndANewOneStillLands() throws Exception {
        var links = List.of(new Link(1, "table", 2, "table", false, false), new Link(2, "table", 3, "bi_report", false, true));
        write(links);
        write(links);
        write(List.of(links.get(1), new Link(3, "bi_report", 4, "dataflow", true, false)));
        mergeNodes();

        assertThat(count("select count(*) from edge where source_id < 10")).isEqualTo(3);
        assertThat(count("select count(*) from node where object_id < 10")).as("table:1, table:2, bi_report:3, dataflow:4")
                .isEqualTo(4);
    }

    @Test
    void aNodeStaysTemporaryOnlyWhileEveryLinkSaysSoWhateverTheOrder() throws Exception {
        write(List.of(new Link(10, "attribute", 11, "attribute", true, true)));
        mergeNodes();
        assertThat(count("select count(*) from node where object_id in (10, 11) and is_temp")).isEqualTo(2);

        write(List.of(new Link(12, "attribute", 11, "attribute", false, false)));
        write(List.of(new Link(10, "attribute", 13, "attribute", true, true)));
        mergeNodes();

        assertThat(count("select count(*) from node where object_id = 11 and is_temp")).as("11 was named non-temporary once").isZero();
        assertThat(count("select count(*) from node where object_id = 10 and is_temp")).isEqualTo(1);
    }

    @Test
    void copyTextEscapingKeepsAwkwardTypeNamesIntact() throws Exception {
        write(List.of(new Link(20, "tab\there", 21, "back\\slash\nline", false, false)));
        mergeNodes();

        assertThat(count("select count(*) from node where otype in (E'tab\\there', E'back\\\\slash\\nline')")).isEqualTo(2);
    }

    @Test
    void aRedeliveredMessageIsWrittenOnceWhileTheFirstLoadRunsWithoutTheEdgeKey() throws Exception {
        String db = freshGraph("lineage_keyless");
        var run = UUID.randomUUID();
        var first = batch(run, 0, new Link(1, "table", 2, "table", false, true), new Link(1, "table", 3, "table", false, false));
        var second = batch(run, 1, new Link(4, "table", 5, "attribute", false, false));
        assertThat(defer(db)).as("an empty table's key is deferred").isTrue();
        assertThat(primaryKey(db)).isNull();

        int written = inTransaction(db, c -> GraphWriter.write(c, run, List.of(first)));
        int writtenAgain = inTransaction(db, c -> GraphWriter.write(c, run, List.of(first, second, second)));
        assertThat(written).isEqualTo(2);
        assertThat(writtenAgain).as("only the new message's links, once").isEqualTo(1);
        assertThat(build(db)).isNotNegative();

        assertThat(pg.queryForLong(db, "select count(*) from edge")).isEqualTo(3);
        assertThat(pg.queryForLong(db, "select count(*) from node_stage")).as("the one temporary end, once").isOne();
        assertThat(primaryKey(db)).isEqualTo("edge_pkey PRIMARY KEY (source_otype, source_id, target_otype, target_id, relation_type)");
        assertThat(build(db)).as("built once").isEqualTo(-1L);
    }

    @Test
    void buildingTheDeferredKeyRemovesDuplicateEdgesInsteadOfFailing() throws Exception {
        String db = freshGraph("lineage_duplicates");
        var link = new Link(7, "table", 8, "table", false, false);
        defer(db);
        // Two runs' messages are not each other's redeliveries: only the key can catch this one.
        inTransaction(db, c -> GraphWriter.write(c, UUID.randomUUID(), List.of(batch(UUID.randomUUID(), 0, link))));
        inTransaction(db, c -> GraphWriter.write(c, UUID.randomUUID(), List.of(batch(UUID.randomUUID(), 0, link))));
        assertThat(pg.queryForLong(db, "select count(*) from edge")).isEqualTo(2);

        build(db);

        assertThat(pg.queryForLong(db, "select count(*) from edge")).isOne();
        assertThat(primaryKey(db)).startsWith("edge_pkey PRIMARY KEY");
    }

    @Test
    void aKeyPutBackByHandWhileDeferredIsLeftAsItIs() throws Exception {
        String db = freshGraph("lineage_put_back");
        defer(db);
        pg.execute(db, "alter table edge add constraint edge_by_hand primary key (source_otype, source_id, target_otype, "
                + "target_id, relation_type)");

        assertThat(build(db)).isEqualTo(-1L);

        assertThat(primaryKey(db)).startsWith("edge_by_hand PRIMARY KEY");
        assertThat(pg.queryForLong(db, "select count(*) from lineage_setting where name = 'edge_key_deferred'")).isZero();
    }

    @Test
    void aTableThatHoldsEdgesKeepsItsKey() throws Exception {
        String db = freshGraph("lineage_not_empty");
        pg.execute(db, "insert into edge values ('table', 1, 'table', 2, 2)");

        assertThat(defer(db)).isFalse();

        assertThat(primaryKey(db)).startsWith("edge_pkey PRIMARY KEY");
        assertThat(build(db)).isEqualTo(-1L);
    }

    @Test
    void aKeyOfAnotherShapeIsNotDeferred() throws Exception {
        String db = "lineage_other_key";
        pg.createDatabase(db);
        pg.execute(db, """
                create table edge (source_otype text not null, source_id bigint not null, target_otype text not null,
                target_id bigint not null, relation_type smallint not null, primary key (source_id, target_id))""");
        graph(db);

        assertThat(defer(db)).isFalse();
        assertThat(primaryKey(db)).isEqualTo("edge_pkey PRIMARY KEY (source_id, target_id)");
    }

    private static boolean defer(String db) throws Exception {
        try (Connection c = pg.connect(db)) {
            return EdgeKey.defer(c);
        }
    }

    private static long build(String db) throws Exception {
        try (Connection c = pg.connect(db)) {
            return EdgeKey.build(c, "64MB");
        }
    }

    @Test
    void aTableOwnedByAnotherRoleKeepsItsKey() throws Exception {
        String db = freshGraph("lineage_adopted");
        pg.execute(db, "create role lineage_writer login password 'writer-pw-1'", "grant all on all tables in schema public "
                + "to lineage_writer", "grant usage, create on schema public to lineage_writer");

        try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(db), "lineage_writer", "writer-pw-1")) {
            assertThat(EdgeKey.defer(c)).as("not its table to alter").isFalse();
        }
        assertThat(primaryKey(db)).startsWith("edge_pkey PRIMARY KEY");
    }

    private static String freshGraph(String database) {
        pg.createDatabase(database);
        graph(database);
        return database;
    }

    private static LinkBatch batch(UUID run, int seq, Link... links) {
        return new LinkBatch(run, "mig", seq, seq * 100L, false, List.of(links));
    }

    private static String primaryKey(String db) throws Exception {
        try (Connection c = pg.connect(db); var rs = c.createStatement().executeQuery("select conname || ' ' || "
                + "pg_get_constraintdef(oid) from pg_constraint where conrelid = 'edge'::regclass and contype = 'p'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private interface OnConnection<T> {
        T run(Connection connection) throws java.sql.SQLException;
    }

    private static <T> T inTransaction(String db, OnConnection<T> work) throws Exception {
        try (Connection c = pg.connect(db)) {
            return Transactions.inOne(c, () -> work.run(c));
        }
    }

    private static void write(List<Link> links) throws Exception {
        try (Connection c = pg.connect("lineage")) {
            c.setAutoCommit(false);
            GraphWriter.write(c, links);
            c.commit();
        }
    }

    private static void mergeNodes() throws Exception {
        try (Connection c = pg.connect("lineage")) {
            GraphWriter.mergeNodes(c, "64MB");
        }
    }

    private static long count(String sql) {
        return pg.queryForLong("lineage", sql);
    }

    private static String read(String resource) {
        try (var in = RedeliveryTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
