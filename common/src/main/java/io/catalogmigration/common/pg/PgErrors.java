package io.catalogmigration.common.pg;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.secret.Credentials;

import java.sql.SQLException;

/** What a failed statement says, fit for an outcome or a log line. */
public final class PgErrors {

    /**
     * The server's message alone: no statement text, no connection details, no {@code Detail:} line (it quotes row
     * values) and no {@code Where:} context.
     */
    public static String serverMessage(SQLException e) {
        // the primary message only (no Detail: row values); a driver's own message may quote a URL or connection string
        return Credentials.removedFrom(ErrorText.message(e));
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
