package io.catalogmigration.scan;

import io.catalogmigration.common.pg.PgErrors;

import java.sql.SQLException;

/** Tells what a failed statement means for a scan: a damaged row, a passing fault worth a retry, or a real stop. */
final class SqlErrors {

    /**
     * Data corruption (XX001), internal errors raised on damaged tuples such as "unexpected chunk number" (XX000),
     * invalid data met while detoasting or decoding (class 22) and unreadable files (class 58).
     */
    static boolean corruption(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("XX") || state.startsWith("22") || state.startsWith("58"));
    }

    /** Connection trouble, lock timeouts, deadlocks, serialization failures, shutdowns, too many connections. */
    static boolean transientFault(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("57")
                || state.startsWith("53") || state.equals("55P03");
    }

    /** The server's message alone (no statement text, no connection details). */
    static String message(SQLException e) {
        return PgErrors.serverMessage(e);
    }

    private SqlErrors() {
    }
}
