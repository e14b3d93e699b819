package io.catalogmigration.common.pg;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Moves a table's rows from one server to the other as {@code COPY ... TO STDOUT (FORMAT binary)} piped into
 * {@code COPY ... FROM STDIN}, in large messages, through pgjdbc's CopyManager: nothing is held in memory but one buffer.
 */
public final class CopyPipe {

    private static final int BUFFER = 256 * 1024;

    /** The columns a copy carries, quoted, in order: generated columns are computed by the receiving server. */
    public static String columns(Connection connection, String qualifiedTable) throws SQLException {
        return String.join(", ", Sql.strings(connection, """
                select quote_ident(attname) from pg_attribute
                where attrelid = ?::regclass and attnum > 0 and not attisdropped and attgenerated = ''
                order by attnum""", qualifiedTable));
    }

    /** {@code COPY (select) TO STDOUT} on {@code from} into {@code COPY into FROM STDIN} on {@code to}; bytes moved. */
    public static long copy(Connection from, String select, Connection to, String into) throws SQLException {
        var out = from.unwrap(PGConnection.class).getCopyAPI().copyOut(select);
        return pipe(out, to.unwrap(PGConnection.class).getCopyAPI().copyIn(into));
    }

    /** The statements for a whole table, or its block range [fromPage, toPage) (toPage &lt; 0: to the end). */
    public static List<String> statements(String qualifiedTable, String columns, long fromPage, long toPage) {
        String where = fromPage < 0 ? "" : " WHERE ctid >= '(" + fromPage + ",0)'::tid"
                + (toPage < 0 ? "" : " AND ctid < '(" + toPage + ",0)'::tid");
        return List.of("COPY (SELECT " + columns + " FROM ONLY " + qualifiedTable + where + ") TO STDOUT (FORMAT binary)",
                "COPY " + qualifiedTable + " (" + columns + ") FROM STDIN (FORMAT binary)");
    }

    /** Moves one COPY stream into the other in large messages (COPY FROM takes the bytes in any split). */
    public static long pipe(CopyOut out, CopyIn in) throws SQLException {
        byte[] buffer = new byte[BUFFER];
        int filled = 0;
        long total = 0;
        try {
            for (byte[] row = out.readFromCopy(); row != null; row = out.readFromCopy()) {
                if (filled + row.length > buffer.length) {
                    if (filled > 0) {
                        in.writeToCopy(buffer, 0, filled);
                        filled = 0;
                    }
                    if (row.length > buffer.length) {
                        in.writeToCopy(row, 0, row.length);
                        total += row.length;
                        continue;
                    }
                }
                System.arraycopy(row, 0, buffer, filled, row.length);
                filled += row.length;
                total += row.length;
            }
            if (filled > 0) {
                in.writeToCopy(buffer, 0, filled);
            }
            in.endCopy();
            return total;
        } catch (SQLException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException ignored) {
                    // the original failure is the one to report
                }
            }
            if (out.isActive()) {
                try {
                    out.cancelCopy();
                } catch (SQLException ignored) {
                    // the original failure is the one to report
                }
            }
            throw e;
        }
    }

    private CopyPipe() {
    }
}
