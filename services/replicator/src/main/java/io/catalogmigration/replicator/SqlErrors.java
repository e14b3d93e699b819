package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.PgErrors;

import java.sql.SQLException;

/** The server's message of a failed statement, without statement text or connection details. */
final class SqlErrors {

    static String message(SQLException e) {
        return PgErrors.serverMessage(e) + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }

    /** Already there: duplicate table/index (42P07), duplicate object (42710), multiple primary keys (42P16). */
    static boolean alreadyExists(SQLException e) {
        return "42P07".equals(e.getSQLState()) || "42710".equals(e.getSQLState()) || "42P16".equals(e.getSQLState());
    }

    private SqlErrors() {
    }
}
