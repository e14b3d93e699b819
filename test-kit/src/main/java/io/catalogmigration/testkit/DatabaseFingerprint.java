package io.catalogmigration.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checksum of everything a server holds that a command could change: per database, every table's rows (md5 of the
 * rows' text in order), the schema (relations, columns, functions, triggers), and the server's roles. Two equal
 * fingerprints: nothing was changed, deleted, created or dropped.
 */
public final class DatabaseFingerprint {

    private DatabaseFingerprint() {
    }

    /** @param skipped databases left out (e.g. the control database, which records the refusals themselves) */
    public static Map<String, String> of(PostgresCluster server, List<String> skipped) {
        Map<String, String> fingerprint = new TreeMap<>();
        try (Connection postgres = server.connect("postgres")) {
            // readable, so that a failure names the role; of the password only a digest of its stored verifier
            fingerprint.put("roles", one(postgres, "select string_agg(rolname || ':' || rolcanlogin || rolsuper || rolreplication"
                    + " || ':' || left(md5(coalesce(rolpassword, '')), 8), ',' order by rolname) from pg_authid"));
            List<String> databases = new ArrayList<>();
            try (ResultSet rs = postgres.createStatement().executeQuery(
                    "select datname from pg_database where not datistemplate order by 1")) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            }
            fingerprint.put("databases", String.join(",", databases));
            for (String database : databases) {
                if (!skipped.contains(database)) {
                    fingerprint.putAll(ofDatabase(server, database));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fingerprint of " + server.host() + ":" + server.port() + " failed", e);
        }
        return fingerprint;
    }

    private static Map<String, String> ofDatabase(PostgresCluster server, String database) throws SQLException {
        Map<String, String> fingerprint = new TreeMap<>();
        try (Connection c = server.connect(database)) {
            fingerprint.put(database + "/schema", one(c, """
                    select md5(coalesce(string_agg(x, ',' order by x), '')) from (
                      select n.nspname || '.' || r.relname || ':' || r.relkind::text || ':' || coalesce((select string_agg(a.attname
                             || ' ' || format_type(a.atttypid, a.atttypmod), ',' order by a.attnum) from pg_attribute a
                             where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped), '') as x
                      from pg_class r join pg_namespace n on n.oid = r.relnamespace
                      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
                      union all select 'fn ' || p.oid::regprocedure::text from pg_proc p
                      join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ('pg_catalog', 'information_schema')
                      union all select 'tg ' || tgname from pg_trigger where not tgisinternal) s"""));
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select format('%I.%I', n.nspname, r.relname) from pg_class r join pg_namespace n on n.oid = r.relnamespace
                    where r.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
                      and n.nspname not like 'pg_toast%' order by 1""")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                String rows;
                try {
                    rows = one(c, "select count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') "
                            + "from " + table + " t");
                } catch (SQLException damaged) {
                    // a table with a damaged value (the scan's tests make some) cannot be read whole: its row versions can
                    rows = one(c, "select 'tids ' || count(*) || ':' || coalesce(md5(string_agg(ctid::text || '/' || xmin::text, "
                            + "',' order by ctid)), '') from " + table);
                }
                fingerprint.put(database + "/" + table, rows);
            }
        }
        return fingerprint;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
