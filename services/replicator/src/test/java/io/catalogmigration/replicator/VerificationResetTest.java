package io.catalogmigration.replicator;

import io.catalogmigration.common.verify.ChangeLog;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A verification pass planned again (its ledger record was lost) starts from a clean change log, and what else the
 * schema holds for the next check and the cutover (the large objects', the views' and the copy's records) stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerificationResetTest {

    static final String DB = "catalog";

    PostgresCluster target;

    @BeforeAll
    void startTarget() {
        target = PostgresCluster.builder("verify-reset").fast().start();
        target.createDatabase(DB);
        target.execute(DB, "create table item (id bigint primary key, name text)",
                "create table keyless (note text)",
                "create schema migration_verify",
                "create table migration_verify.large_object (oid oid primary key, md5 text)",
                "insert into migration_verify.large_object values (920001, 'abc')",
                "create table migration_verify.copied_chunk (tab text, seq int, instance text)",
                "insert into migration_verify.copied_chunk values ('public.item', 0, 'a')");
    }

    @AfterAll
    void stopTarget() {
        target.close();
    }

    @Test
    void aResetRemovesTheChangeLogAndItsTriggersButKeepsTheOtherRecords() throws Exception {
        try (Connection connection = target.connect(DB)) {
            ChangeLog.install(connection, List.of(
                    new ChangeLog.Planned(new Relation("public.item", List.of(new Relation.KeyColumn("id", "bigint")), 8192, 0), 1),
                    new ChangeLog.Planned(new Relation("public.keyless", List.of(), 8192, 0), 1)));
            target.execute(DB, "insert into item values (1, 'logged')");
            assertThat(ChangeLog.installed(connection)).isTrue();
            assertThat(count("select count(*) from migration_verify.changes")).isEqualTo(1);
            assertThat(count(triggers())).isEqualTo(4);

            ChangeLog.reset(connection);

            assertThat(ChangeLog.installed(connection)).isFalse();
            assertThat(count(triggers())).as("no trigger left on the replicated tables").isZero();
            assertThat(count("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                    + "where n.nspname = 'migration_verify'")).isZero();
            assertThat(count("select count(*) from pg_tables where schemaname = 'migration_verify'")).isEqualTo(2);
            assertThat(count("select count(*) from migration_verify.large_object")).isEqualTo(1);
            assertThat(count("select count(*) from migration_verify.copied_chunk")).isEqualTo(1);
            target.execute(DB, "insert into item values (2, 'not logged')", "truncate keyless");

            // Planned again, the pass starts from a fresh frontier; the cutover's drop still removes everything.
            ChangeLog.install(connection, List.of(
                    new ChangeLog.Planned(new Relation("public.item", List.of(new Relation.KeyColumn("id", "bigint")), 8192, 0), 1)));
            assertThat(count("select count(*) from migration_verify.changes")).isZero();
            ChangeLog.drop(connection);
            assertThat(count("select count(*) from pg_namespace where nspname = 'migration_verify'")).isZero();
            assertThat(count(triggers())).isZero();
        }
    }

    private static String triggers() {
        return "select count(*) from pg_trigger where not tgisinternal and tgname like 'migration_verify%'";
    }

    private long count(String sql) {
        return target.queryForLong(DB, sql);
    }
}
