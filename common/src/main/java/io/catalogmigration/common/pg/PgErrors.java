package io.catalogmigration.common.pg;

import io.catalogmigration.common.secret.Credentials;
import org.postgresql.util.PSQLException;

import java.sql.SQLException;

/** What a failed statement says, fit for an outcome or a log line. */
public final class PgErrors {

    /** The server's message alone: no statement text, no connection details. */
    public static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        // a driver's own message may quote the URL or connection string it was given
        return Credentials.removedFrom(e.getMessage());
    }

    /**
     * A fault that may pass by itself: the connection (class 08), the server's resources (53), the server shutting
     * down or restarting (57P01-57P03), a serialization failure or deadlock (40001, 40P01).
     */
    public static boolean transientFault(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e.getCause() instanceof java.io.IOException;
        }
        return state.startsWith("08") || state.startsWith("53") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("40001") || state.equals("40P01");
    }

    private PgErrors() {
    }
}
