package io.catalogmigration.lineage;

import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The unique keys that make a redelivered message harmless, on a real lineage database. */
class RedeliveryTest {

    static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.builder("lineage-redelivery").fast().start();
        pg.createDatabase("lineage");
        pg.execute("lineage", read("db/lineage-graph/V1__graph.sql"));
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
