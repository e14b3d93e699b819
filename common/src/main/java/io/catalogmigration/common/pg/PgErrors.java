package io.catalogmigration.common.pg;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.secret.Credentials;

import java.io.IOException;
import java.sql.SQLException;

/**
 * What a failed statement means, by its SQLSTATE, for every service that talks to PostgreSQL: a fault that passes by
 * itself (retry the batch), a damaged row (note it and go on), an object already there (a redelivery's second try),
 * a missing privilege (the operator must grant), or a real stop. The one place these codes are read; the services'
 * own lists (prune's 53300 alone, scan's whole class 57, lineage's relabelled IOException) met here.
 */
public final class PgErrors {

    /**
     * The server's message alone: no statement text, no connection details, no {@code Detail:} line (it quotes row
     * values) and no {@code Where:} context.
     */
    public static String serverMessage(SQLException e) {
        // the primary message only (no Detail: row values); a driver's own message may quote a URL or connection string
        return Credentials.removedFrom(ErrorText.message(e));
    }

    /** The server's message with its SQLSTATE, e.g. {@code relation "x" does not exist (SQLSTATE 42P01)}. */
    public static String describe(SQLException e) {
        return serverMessage(e) + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }

    /**
     * A fault that may pass by itself, so the batch is retried rather than failed: connection trouble (class 08, or no
     * SQLSTATE with an I/O failure beneath, see {@link #connectionLost}), the server's resources such as too many
     * connections or a full disk (class 53), the server or session shutting down or a statement cancelled (57014,
     * 57P01-57P03, 57P05), a serialization failure, deadlock or unknown completion (40001, 40P01, 40003) and a lock
     * not granted in time (55P03).
     */
    public static boolean transientFault(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return connectionLost(e);
        }
        return state.startsWith("08") || state.startsWith("53")
                || state.equals("57014") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("57P05")
                || state.equals("40001") || state.equals("40P01") || state.equals("40003")
                || state.equals("55P03");
    }

    /** The connection is gone: class 08, or an {@link IOException} somewhere beneath an exception without a SQLSTATE. */
    public static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            return state.startsWith("08");
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Damaged data: data corruption (XX001), internal errors raised on damaged tuples such as "unexpected chunk number"
     * (XX000), invalid data met while detoasting or decoding (class 22) and unreadable files (class 58).
     */
    public static boolean dataCorruption(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("XX") || state.startsWith("22") || state.startsWith("58"));
    }

    /** Already there: duplicate table or index (42P07), duplicate object (42710), multiple primary keys (42P16). */
    public static boolean alreadyExists(SQLException e) {
        return "42P07".equals(e.getSQLState()) || "42710".equals(e.getSQLState()) || "42P16".equals(e.getSQLState());
    }

    /** Insufficient privilege (42501): the login lacks a grant, which sending the command again does not change. */
    public static boolean notPermitted(SQLException e) {
        return "42501".equals(e.getSQLState());
    }

    /** A row still referenced from another table (23503). */
    public static boolean foreignKeyViolation(SQLException e) {
        return "23503".equals(e.getSQLState());
    }

    /** A duplicate key (23505): e.g. a redelivered COPY meeting the rows its first delivery wrote. */
    public static boolean uniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * A stream (COPY) broken by the connection, as a SQLException that {@link #connectionLost} and
     * {@link #transientFault} recognise: SQLSTATE 08006 (connection failure), the I/O fault kept as its cause.
     */
    public static SQLException connectionFailure(String what, IOException cause) {
        return new SQLException(what + " failed on the connection: " + cause.getMessage(), "08006", cause);
    }

    private PgErrors() {
    }
}
