package io.catalogmigration.common.pg;

import io.catalogmigration.common.logging.ErrorText;

import java.sql.SQLException;

/** What a failed statement says, fit for an outcome or a log line. */
public final class PgErrors {

    /**
     * The server's message alone: no statement text, no connection details, no {@code Detail:} line (it quotes row
     * values) and no {@code Where:} context.
     */
    public static String serverMessage(SQLException e) {
        return ErrorText.message(e);
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
