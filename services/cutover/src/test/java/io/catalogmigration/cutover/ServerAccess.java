package io.catalogmigration.cutover;

import io.catalogmigration.testkit.PostgresCluster;

import java.sql.SQLException;

/**
 * What a fence may change on a server, as text to compare before and after: every role's LOGIN, every database's
 * privileges, and every per-database and per-role setting. Put back exactly means equal text.
 */
final class ServerAccess {

    static String of(PostgresCluster server) throws SQLException {
        try (var c = server.connect("postgres"); var rs = c.createStatement().executeQuery("""
                select (select string_agg(rolname || (case when rolcanlogin then ' LOGIN' else ' NOLOGIN' end), ', '
                               order by rolname) from pg_roles where rolname !~ '^pg_')
                    || ' | ' || (select string_agg(datname || '=' || coalesce(datacl::text, 'default'), ', ' order by datname)
                                 from pg_database)
                    || ' | ' || coalesce((select string_agg(coalesce(d.datname, '*') || '/' || coalesce(r.rolname, '*') || ':'
                                 || array_to_string(s.setconfig, ';'), ', ' order by 1)
                                 from pg_db_role_setting s left join pg_database d on d.oid = s.setdatabase
                                 left join pg_roles r on r.oid = s.setrole), 'no settings')""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** True when the role may log in. */
    static boolean canLogIn(PostgresCluster server, String role) {
        return server.queryForLong("postgres", "select count(*) from pg_roles where rolcanlogin and rolname = '"
                + role.replace("'", "''") + "'") == 1;
    }

    private ServerAccess() {
    }
}
