package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical replication does not carry sequences: each one's value, read on the source after writes stopped, is set on
 * the target, so the application's next id there follows the last one used on the source. A sequence that is behind
 * the highest value of the column it feeds (rows inserted with explicit ids) is raised to that value, so the first
 * insert on the target cannot collide.
 */
class SequenceCopy {

    private final PgConnector connector;

    SequenceCopy(PgConnector connector) {
        this.connector = connector;
    }

    /** @return the sequences set on the target */
    int copy(PgEndpoint source, PgEndpoint target) throws SQLException, CutoverProblem {
        List<String[]> values = new ArrayList<>();
        try (Connection connection = connector.connect(source);
             var rs = connection.createStatement().executeQuery("""
                     select quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value::text from pg_sequences
                     where schemaname not in ('pg_catalog', 'information_schema') and last_value is not null order by 1""")) {
            while (rs.next()) {
                values.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        try (Connection connection = connector.connect(target)) {
            List<String> missing = new ArrayList<>();
            for (String[] sequence : values) {
                if (Sql.one(connection, "select to_regclass(?)::text", sequence[0]) == null) {
                    missing.add(sequence[0]);
                }
            }
            if (!missing.isEmpty()) {
                throw new CutoverProblem("COPY_SEQUENCES", "the target database " + target.database() + " lacks sequences "
                        + "the source has: " + missing, "the target's schema is incomplete: send ResetCutover and replicate again");
            }
            connection.setAutoCommit(false);
            try (var ps = connection.prepareStatement("select setval(?::regclass, ?::bigint, true)")) {
                for (String[] sequence : values) {
                    ps.setString(1, sequence[0]);
                    ps.setString(2, sequence[1]);
                    ps.executeQuery().close();
                }
            }
            raiseBelowColumns(connection);
            connection.commit();
        }
        return values.size();
    }

    private static void raiseBelowColumns(Connection target) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (var rs = target.createStatement().executeQuery("""
                select quote_ident(sn.nspname) || '.' || quote_ident(s.relname),
                       quote_ident(tn.nspname) || '.' || quote_ident(t.relname), quote_ident(a.attname)
                from pg_depend d
                join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace sn on sn.oid = s.relnamespace
                join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
                join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
                where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
                and format_type(a.atttypid, null) in ('smallint', 'integer', 'bigint')""")) {
            while (rs.next()) {
                owned.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        for (String[] sequence : owned) {
            // Names come from the target's catalog, quoted there with quote_ident.
            Sql.strings(target, "select setval(?::regclass, m)::text from (select max(" + sequence[2] + ")::bigint m from "
                    + sequence[1] + ") x, " + sequence[0] + " s where m is not null and (m > s.last_value or not s.is_called)",
                    sequence[0]);
        }
    }
}
