package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.verify.RowHashing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Materialized views: the schema carries their definition WITH NO DATA and logical replication carries no rows into
 * them, so on the target they are refreshed, once after the initial copy and again in the cutover's window. A view
 * the source holds unpopulated (created WITH NO DATA, never refreshed) stays unpopulated on the target. A view's
 * contents are compared with its defining query run on the source, since the source's own view may be stale.
 */
public final class MaterializedViews {

    static final String STATE = "migration_verify.refreshed_view";

    /**
     * @param name      schema-qualified, quoted by the catalog's quote_ident
     * @param label     schema.name, for people
     * @param populated whether the server holds it populated (pg_matviews.ispopulated)
     */
    public record View(String name, String label, boolean populated) {
    }

    /**
     * The database's materialized views outside system schemas and extensions, in creation order. On the target the
     * schema was created from pg_dump's output, in dependency order, so a view built on another comes after it.
     */
    public static List<View> list(Connection connection) throws SQLException {
        List<View> views = new ArrayList<>();
        try (var rs = connection.createStatement().executeQuery("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname || '.' || c.relname, c.relispopulated
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'm' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
                  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                  and d.deptype = 'e')
                order by c.oid""")) {
            while (rs.next()) {
                views.add(new View(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
        }
        return views;
    }

    /** REFRESH MATERIALIZED VIEW on the target (as a member of its owner), recorded with what it took; millis. */
    public static long refresh(Connection target, View view) throws SQLException {
        long started = System.nanoTime();
        Sql.execute(target, "REFRESH MATERIALIZED VIEW " + view.name());
        long millis = (System.nanoTime() - started) / 1_000_000;
        ensureState(target);
        try (var ps = target.prepareStatement("insert into " + STATE + " (name, millis) values (?, ?) on conflict (name) "
                + "do update set millis = excluded.millis, refreshed_at = now()")) {
            ps.setString(1, view.label());
            ps.setLong(2, millis);
            ps.executeUpdate();
        }
        return millis;
    }

    /** What the last refresh of each view on the target took (views never refreshed by the migration are absent). */
    public static Map<String, Long> lastRefresh(Connection target) throws SQLException {
        Map<String, Long> millis = new HashMap<>();
        if (Sql.one(target, "select to_regclass(?)::text", STATE) == null) {
            return millis;
        }
        try (var rs = target.createStatement().executeQuery("select name, millis from " + STATE)) {
            while (rs.next()) {
                millis.put(rs.getString(1), rs.getLong(2));
            }
        }
        return millis;
    }

    /** The view's rows as they are (count and summed row hash; the session prepared by RowHashing). */
    public static RowHashing.Checksum contents(Connection connection, View view) throws SQLException {
        return RowHashing.checksumOfQuery(connection, "select * from " + view.name());
    }

    /** The rows its defining query gives now on this server, whatever the view holds. */
    public static RowHashing.Checksum query(Connection connection, View view) throws SQLException {
        // Names in the definition are qualified relative to the search path it is printed under.
        Sql.execute(connection, "SELECT pg_catalog.set_config('search_path', 'pg_catalog', false)");
        try {
            String definition = Sql.one(connection, "select pg_get_viewdef(?::regclass)", view.name()).strip();
            if (definition.endsWith(";")) {
                definition = definition.substring(0, definition.length() - 1);
            }
            return RowHashing.checksumOfQuery(connection, definition);
        } finally {
            Sql.execute(connection, "RESET search_path");
        }
    }

    private static void ensureState(Connection target) throws SQLException {
        if (Sql.one(target, "select to_regclass(?)::text", STATE) != null) {
            return;
        }
        Sql.execute(target, "CREATE SCHEMA IF NOT EXISTS migration_verify");
        Sql.execute(target, "REVOKE ALL ON SCHEMA migration_verify FROM PUBLIC");
        Sql.execute(target, "CREATE TABLE IF NOT EXISTS " + STATE + " (name text PRIMARY KEY, millis bigint NOT NULL, "
                + "refreshed_at timestamptz NOT NULL DEFAULT now())");
    }

    private MaterializedViews() {
    }
}
