package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCorruption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The runbook's source, PostgreSQL 13: amcheck without verify_heapam, and ctid bounds that are no TID range scan. */
class ThirteenSourceScanTest {

    static final String DB = "catalog";
    static final String TABLE = "public." + SampleCorruption.TABLE;

    static PostgresCluster pg;
    static Set<Long> damaged;

    @BeforeAll
    static void startThirteenWithDamagedRows() {
        pg = PostgresCluster.builder("scan13").version(13).fast().start();
        pg.createDatabase(DB);
        pg.execute(DB, "create extension amcheck");
        damaged = SampleCorruption.damage(pg, DB, 3);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void theAutomaticChoiceIsReadingEveryRowWithTablesKeptWhole() throws Exception {
        try (Connection connection = pg.connect(DB)) {
            var choice = MethodChoice.choose(connection, ScanMethod.AUTO);

            assertThat(choice.method()).isEqualTo(ScanMethod.READ_ROWS);
            assertThat(choice.tidRangeScan()).isFalse();
            assertThat(choice.note()).contains("no verify_heapam");
        }
    }

    @Test
    void readingEveryRowNamesExactlyTheDamagedRowsAndLeavesTheConnectionAsItWas() throws Exception {
        try (Connection connection = pg.connect(DB)) {
            long oid = pg.queryForLong(DB, "select '" + TABLE + "'::regclass::oid");
            var item = new ScanItem(TABLE, oid, 0, null, 0, 1);

            var suspects = RowReader.check(connection, TABLE, item);

            Set<Long> ids = new TreeSet<>();
            for (var suspect : suspects) {
                assertThat(suspect.addressable()).as(suspect.toString()).isTrue();
                assertThat(suspect.error()).contains("missing chunk number 1");
                ids.add(pg.queryForLong(DB, "select id from " + TABLE + " where ctid = '" + suspect.ctid() + "'"));
            }
            assertThat(ids).isEqualTo(damaged);
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(io.catalogmigration.common.pg.Sql.one(connection, "show synchronize_seqscans")).isEqualTo("on");
        }
    }
}
