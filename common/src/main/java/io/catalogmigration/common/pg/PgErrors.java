package io.catalogmigration.common.pg;

import org.postgresql.util.PSQLException;

import java.sql.SQLException;

/** What a failed statement says, fit for an outcome or a log line. */
public final class PgErrors {

    /** The server's message alone: no statement text, no connection details. */
    public static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage();
    }

    private PgErrors() {
    }
}
