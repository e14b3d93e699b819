package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Transactions on a server: work done in one ({@link #inOne}), and whether one committed, asked of that server: what
 * makes a count recorded elsewhere (the ledger) exact when the process that wrote it died between the server's commit
 * and the ledger's record. PostgreSQL 13 and later ({@code pg_current_xact_id}, {@code pg_xact_status}).
 */
public final class Transactions {

    /** A transaction's fate as the server tells it. */
    public enum Fate {
        COMMITTED, ABORTED, IN_PROGRESS,
        /** Too old for the server to remember (its commit log was truncated), or not one of its ids. */
        UNKNOWN
    }

    private Transactions() {
    }

    /** Work done inside {@link #inOne}. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code connection}: committed when it returns, rolled back when it throws;
     * the connection's auto-commit mode is as before either way.
     */
    public static <T> T inOne(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Work inside {@link #inOne(Connection, Step)} that returns nothing. */
    @FunctionalInterface
    public interface Step {
        void run() throws SQLException;
    }

    /** {@link #inOne(Connection, Work)} for work that returns nothing. */
    public static void inOne(Connection connection, Step step) throws SQLException {
        inOne(connection, () -> {
            step.run();
            return null;
        });
    }

    /** The id of the connection's current transaction if it has written anything, else null (it then has none). */
    public static String currentIdIfWritten(Connection connection) throws SQLException {
        return Sql.one(connection, "select pg_current_xact_id_if_assigned()::text");
    }

    /** The fate of each transaction id, in one round trip. */
    public static Map<String, Fate> fates(Connection connection, Collection<String> xids) throws SQLException {
        Map<String, Fate> fates = new HashMap<>();
        if (xids.isEmpty()) {
            return fates;
        }
        try (var ps = connection.prepareStatement(
                "select x, pg_xact_status(x::xid8) from unnest(?::text[]) x")) {
            ps.setArray(1, connection.createArrayOf("text", xids.toArray()));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(2);
                    fates.put(rs.getString(1), status == null ? Fate.UNKNOWN : switch (status) {
                        case "committed" -> Fate.COMMITTED;
                        case "aborted" -> Fate.ABORTED;
                        case "in progress" -> Fate.IN_PROGRESS;
                        default -> Fate.UNKNOWN;
                    });
                }
            }
        } catch (SQLException e) {
            // an id the server has not assigned yet (22023) is not one of its transactions
            if (!"22023".equals(e.getSQLState())) {
                throw e;
            }
            for (String xid : xids) {
                fates.putIfAbsent(xid, Fate.UNKNOWN);
            }
        }
        return fates;
    }
}
