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

    /** Insufficient privilege (42501): the login lacks a grant, which sending the command again does not change. */
    static boolean notPermitted(SQLException e) {
        return "42501".equals(e.getSQLState());
    }

    /** What to grant when a statement was refused for want of a privilege. */
    static final String GRANTS = "the source's user must be a superuser; the target's needs what RDS's master user has: "
            + "CREATEDB, CREATEROLE, rds_superuser, rds_replication, pg_signal_backend, pg_monitor and on 16+ "
            + "pg_create_subscription; see the replicator README's \"Privileges and versions\"";

    private SqlErrors() {
    }
}
