package io.catalogmigration.scan;

import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.pg.PgErrors;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Picks the check for one database: amcheck's verify_heapam where the server has it (PostgreSQL 14+, the extension
 * installed or installable by this user, verify_heapam executable), else reading every row.
 *
 * @param tidRangeScan whether ctid bounds are a TID range scan (14+); without it a block range costs a full scan,
 *                     so tables are not split
 */
record MethodChoice(ScanMethod method, String amcheckSchema, String note, boolean tidRangeScan) {

    /** AMCHECK was demanded and this server cannot offer it. */
    static class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    static MethodChoice choose(Connection connection, ScanMethod requested) throws SQLException, Unavailable {
        int version = intQuery(connection, "select current_setting('server_version_num')::int");
        boolean tidRangeScan = version >= 140000;
        if (requested == ScanMethod.READ_ROWS) {
            return new MethodChoice(ScanMethod.READ_ROWS, null, "READ_ROWS was requested", tidRangeScan);
        }
        String why = null;
        String schema = null;
        if (version < 140000) {
            why = "server version " + version + " has no verify_heapam (PostgreSQL 14 or later is needed)";
        } else {
            schema = amcheckSchema(connection);
            if (schema == null && intQuery(connection, "select count(*)::int from pg_available_extensions where name = 'amcheck'") == 0) {
                why = "the amcheck extension is not available on the server (install the PostgreSQL contrib package)";
            } else if (schema == null) {
                try (var statement = connection.createStatement()) {
                    statement.execute("create extension if not exists amcheck");
                    schema = amcheckSchema(connection);
                } catch (SQLException e) {
                    why = "amcheck is not installed in this database and this user may not create it ("
                            + PgErrors.serverMessage(e) + "); a superuser can run CREATE EXTENSION amcheck";
                }
            }
            if (schema != null && !canExecuteVerifyHeapam(connection)) {
                why = "this user may not execute verify_heapam; a superuser can GRANT EXECUTE ON FUNCTION "
                        + "verify_heapam(regclass, boolean, boolean, text, bigint, bigint) to it";
            }
        }
        if (why == null) {
            return new MethodChoice(ScanMethod.AMCHECK, schema, null, true);
        }
        if (requested == ScanMethod.AMCHECK) {
            throw new Unavailable(why);
        }
        return new MethodChoice(ScanMethod.READ_ROWS, null, why + "; reading every row instead", tidRangeScan);
    }

    private static String amcheckSchema(Connection connection) throws SQLException {
        try (var rs = connection.createStatement().executeQuery("""
                select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
                where e.extname = 'amcheck'""")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean canExecuteVerifyHeapam(Connection connection) throws SQLException {
        try (var rs = connection.createStatement().executeQuery("""
                select coalesce(bool_and(has_function_privilege(p.oid, 'execute')), false) from pg_proc p
                join pg_depend d on d.objid = p.oid and d.classid = 'pg_proc'::regclass and d.deptype = 'e'
                join pg_extension e on e.oid = d.refobjid and e.extname = 'amcheck'
                where p.proname = 'verify_heapam'""")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static int intQuery(Connection connection, String sql) throws SQLException {
        try (var rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
