package io.catalogmigration.replicator;

import io.catalogmigration.common.verify.ChunkVerifier;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.common.verify.RowHashing;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison itself, on two real servers holding the same rows loaded in different orders and sessions: equal
 * rows hash alike whatever the session's time zone or the physical order, awkward key values (quotes, commas,
 * unicode, timestamps) survive the trip as text and back, and a difference is named by its key.
 */
class RowComparisonTest {

    static PostgresCluster left;
    static PostgresCluster right;

    @BeforeAll
    static void twoServersWithTheSameRows() {
        left = PostgresCluster.builder("compare-left").fast().start();
        right = PostgresCluster.builder("compare-right").fast().start();
        for (PostgresCluster side : List.of(left, right)) {
            side.createDatabase("db");
            side.execute("db",
                    "create table odd (name text, at timestamptz, n numeric, payload jsonb, primary key (name, at))",
                    "create table plain (id int primary key, f float8, b bytea, d interval)",
                    "create table bag (a int, b text)");
        }
        // Different time zones and insert orders on the two sides: the same rows all the same.
        left.execute("db", "set timezone = 'Asia/Kolkata'",
                "insert into odd select 'it''s, \"quoted\" ' || g || ' é€', timestamptz '2026-03-29 01:30:00+00' + g * interval '1 hour', g / 3.0, "
                        + "jsonb_build_object('k', g) from generate_series(1, 500) g",
                "insert into plain select g, g / 7.0, decode(md5(g::text), 'hex'), g * interval '1 minute' from generate_series(1, 2000) g",
                "insert into bag select g % 10, 'x' from generate_series(1, 100) g");
        right.execute("db", "set timezone = 'America/New_York'",
                "insert into odd select 'it''s, \"quoted\" ' || g || ' é€', timestamptz '2026-03-29 01:30:00+00' + g * interval '1 hour', g / 3.0, "
                        + "jsonb_build_object('k', g) from generate_series(500, 1, -1) g",
                "insert into plain select g, g / 7.0, decode(md5(g::text), 'hex'), g * interval '1 minute' from generate_series(2000, 1, -1) g",
                "insert into bag select g % 10, 'x' from generate_series(100, 1, -1) g");
    }

    @AfterAll
    static void stop() {
        right.close();
        left.close();
    }

    @Test
    void equalRowsAgreeInEveryChunkWhateverTheOrderAndTheSessionTimeZone() throws Exception {
        try (Connection l = left.connect("db"); Connection r = right.connect("db")) {
            var verifier = new ChunkVerifier(l, r, null);
            for (Relation table : relations(l)) {
                var cuts = RowHashing.boundaries(l, table, 4);
                List<String> lo = null;
                for (int i = 0; i <= cuts.size(); i++) {
                    List<String> hi = i < cuts.size() ? cuts.get(i) : null;
                    var chunk = new ChunkVerifier.Chunk(table, lo, hi);
                    assertThat(verifier.agree(chunk)).as(table.name() + " " + lo + ".." + hi).isPresent();
                    lo = hi;
                }
                assertThat(verifier.whole(table, null).differences()).as(table.name()).isEmpty();
            }
        }
    }

    @Test
    void aDifferenceIsNamedByItsKeyEvenWhenTheKeyIsAwkward() throws Exception {
        right.execute("db", "update odd set n = -1 where name = 'it''s, \"quoted\" 17 é€'",
                "delete from plain where id = 1234",
                "insert into bag values (99, 'extra')");
        try (Connection l = left.connect("db"); Connection r = right.connect("db")) {
            var verifier = new ChunkVerifier(l, r, null);
            var tables = relations(l);
            var odd = verifier.whole(find(tables, "public.odd"), null);
            var plain = verifier.whole(find(tables, "public.plain"), null);
            var bag = verifier.whole(find(tables, "public.bag"), null);

            assertThat(odd.differences()).singleElement().satisfies(d -> {
                assertThat(d.key().get(0)).isEqualTo("it's, \"quoted\" 17 é€");
                assertThat(d.detail()).isEqualTo("contents differ");
            });
            assertThat(plain.differences()).singleElement().satisfies(d -> {
                assertThat(d.key()).containsExactly("1234");
                assertThat(d.detail()).isEqualTo("missing on the target");
            });
            assertThat(bag.differences()).singleElement().satisfies(d -> assertThat(d.detail())
                    .isEqualTo("no key: 0 row(s) of the source have no identical row on the target, 1 row(s) of the target none on the source"));
            // Looked up again by key, the awkward key finds its row on both sides.
            assertThat(verifier.keys(java.util.Map.of(find(tables, "public.odd"), List.of(odd.differences().get(0).key())), null)
                    .differences()).hasSize(1);
        } finally {
            right.execute("db", "update odd set n = (substring(name from ' (\\d+) ')::int) / 3.0 where n = -1",
                    "insert into plain values (1234, 1234 / 7.0, decode(md5('1234'), 'hex'), 1234 * interval '1 minute')",
                    "delete from bag where a = 99");
        }
    }

    private static List<Relation> relations(Connection c) throws Exception {
        // The tables as the publication would list them: made up here from the catalog, without a publication.
        List<Relation> all = new java.util.ArrayList<>();
        try (var rs = c.createStatement().executeQuery("select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by 1")) {
            while (rs.next()) {
                all.add(relation(c, rs.getString(1)));
            }
        }
        return all;
    }

    private static Relation relation(Connection c, String name) throws Exception {
        c.createStatement().execute("drop publication if exists migration_db");
        c.createStatement().execute("create publication migration_db for table " + name);
        try {
            return Relation.published(c, "db").get(0);
        } finally {
            c.createStatement().execute("drop publication migration_db");
        }
    }

    private static Relation find(List<Relation> tables, String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
