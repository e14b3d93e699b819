package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.run.MigrationProblem;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical replication does not carry sequences: each one's value, read on the source after writes stopped, is set on
 * the target, so the application's next id there follows the last one used on the source. A sequence that is behind
 * the highest value of the column it feeds (rows inserted with explicit ids) is raised to that value, so the first
 * insert on the target cannot collide. A sequence is never lowered. A rollback copies them the other way, into a source
 * that is still fenced (read-only by default).
 */
record SequenceCopy(PgConnector connector) {

    /** @return the sequences set on the target */
    int copy(PgEndpoint source, PgEndpoint target) throws SQLException, MigrationProblem {
        List<String[]> values = new ArrayList<>();
        try (Connection connection = connector.connect(source);
             var rs = connection.createStatement().executeQuery("""
                     select quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value::text from pg_sequences
                     where schemaname not in ('pg_catalog', 'information_schema') and last_value is not null order by 1""")) {
            while (rs.next()) {
                values.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        // A few statements in all, whatever the number of sequences: this runs inside the downtime window.
        String[] names = values.stream().map(v -> v[0]).toArray(String[]::new);
        String[] lastValues = values.stream().map(v -> v[1]).toArray(String[]::new);
        try (Connection connection = connector.connect(target)) {
            List<String> missing = Sql.strings(connection, "select s from unnest(?::text[]) s where to_regclass(s) is null",
                    (Object) names);
            if (!missing.isEmpty()) {
                throw MigrationProblem.inPhase("COPY_SEQUENCES", "the target database " + target.database() + " lacks sequences "
                        + "the source has: " + missing, "the target's schema is incomplete: send ResetCutover and replicate again");
            }
            Sql.execute(connection, "SET default_transaction_read_only = off");
            connection.setAutoCommit(false);
            Sql.strings(connection, """
                    select setval(s::regclass, greatest(v::bigint, coalesce(p.last_value, v::bigint)), true)::text
                    from unnest(?::text[], ?::text[]) u(s, v)
                    left join pg_sequences p on format('%I.%I', p.schemaname, p.sequencename)::regclass = s::regclass""",
                    names, lastValues);
            raiseBelowColumns(connection);
            connection.commit();
        }
        return values.size();
    }

    private static void raiseBelowColumns(Connection target) throws SQLException {
        List<String> owned = new ArrayList<>();
        try (var rs = target.createStatement().executeQuery("""
                select '(' || quote_literal(quote_ident(sn.nspname) || '.' || quote_ident(s.relname)) || '::regclass, (select max('
                       || quote_ident(a.attname) || ')::bigint from ' || quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '))'
                from pg_depend d
                join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace sn on sn.oid = s.relnamespace
                join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
                join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
                where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
                and format_type(a.atttypid, null) in ('smallint', 'integer', 'bigint')""")) {
            while (rs.next()) {
                owned.add(rs.getString(1));
            }
        }
        if (owned.isEmpty()) {
            return;
        }
        // Every (sequence, highest value of its column) pair in one statement; names and literals were quoted by the
        // target's own catalog (quote_ident, quote_literal).
        Sql.strings(target, "select setval(x.seq, x.m)::text from (values " + String.join(", ", owned) + ") x(seq, m) "
                + "join pg_sequences p on format('%I.%I', p.schemaname, p.sequencename)::regclass = x.seq "
                + "where x.m is not null and (p.last_value is null or x.m > p.last_value)");
    }
}
