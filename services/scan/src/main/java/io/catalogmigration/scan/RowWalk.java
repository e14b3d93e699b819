package io.catalogmigration.scan;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the damaged rows of a block range in passes over the heap, for servers where ctid bounds are no TID range
 * scan (before PostgreSQL 14, the runbook's 13): there each halving of {@link RowReader}'s search would read the
 * whole table again, many times per damaged row. Here the rows are read in physical order through a cursor; when
 * reading fails, the next rows after the last one delivered are listed by ctid alone (no value detoasted), probed one
 * by one with TID scans until the damaged one, and reading resumes after it. Each damaged row costs one more pass over
 * the heap without its TOAST, so the whole stays linear in the table's size.
 */
final class RowWalk {

    /** Rows a cursor fetch returns at once, and so the most rows probed one by one after a failed fetch. */
    private static final int FETCH = 1000;

    private final Connection connection;
    private final String quoted;
    private final String range;

    private RowWalk(Connection connection, String quoted, long from, long to) {
        this.connection = connection;
        this.quoted = quoted;
        this.range = "ctid >= '" + Blocks.tid(from, 0) + "'::tid and ctid < '" + Blocks.tid(to, 0) + "'::tid";
    }

    /** The damaged rows of [from, to) of the table; the connection is in auto-commit mode before and after. */
    static List<Suspect> find(Connection connection, String quoted, long from, long to) throws SQLException {
        return new RowWalk(connection, quoted, from, to).walk();
    }

    private List<Suspect> walk() throws SQLException {
        List<Suspect> suspects = new ArrayList<>();
        // the default lets a scan start where another session's scan is, and "the rows after X" needs block order
        Sql.execute(connection, "set synchronize_seqscans = off");
        try {
            String after = null;
            while (true) {
                String last = readFrom(after);
                if (last == null) {
                    return suspects;
                }
                List<String> next;
                try {
                    next = ctidsAfter(last);
                } catch (SQLException e) {
                    if (!PgErrors.dataCorruption(e)) {
                        throw e;
                    }
                    // not even the tuple headers after it can be read: report the block, which cannot be deleted by ctid
                    suspects.add(new Suspect("block " + blockOf(last), PgErrors.serverMessage(e)));
                    return suspects;
                }
                Suspect damaged = null;
                for (String ctid : next) {
                    String error = RowReader.readRow(connection, quoted, ctid);
                    if (error != null) {
                        damaged = new Suspect(ctid, error);
                        break;
                    }
                }
                if (damaged == null) {
                    // the failure was not in a single row these probes can see: say so for the range, do not loop
                    suspects.add(new Suspect("block " + blockOf(last), "reading failed after ctid " + last
                            + " and no row there fails alone"));
                    return suspects;
                }
                suspects.add(damaged);
                after = damaged.ctid();
            }
        } finally {
            Sql.execute(connection, "reset synchronize_seqscans");
        }
    }

    /**
     * Reads every value of the rows after {@code after} (all of the range when null). Null when all read; else the
     * ctid of the last row delivered before the failure ("(0,0)", before the first row, when none was).
     */
    private String readFrom(String after) throws SQLException {
        String last = after == null ? Blocks.tid(0, 0) : after;
        connection.setAutoCommit(false);
        try (var ps = connection.prepareStatement("select ctid::text, length(t::text) from " + quoted + " t where " + range
                + (after == null ? "" : " and ctid > ?::tid"))) {
            if (after != null) {
                ps.setString(1, after);
            }
            ps.setFetchSize(FETCH);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getString(1);
                }
            }
            connection.commit();
            return null;
        } catch (SQLException e) {
            connection.rollback();
            if (!PgErrors.dataCorruption(e)) {
                throw e;
            }
            return last;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The ctids of the next rows after {@code last}, in block order; only tuple headers are read. */
    private List<String> ctidsAfter(String last) throws SQLException {
        List<String> ctids = new ArrayList<>();
        try (var ps = connection.prepareStatement("select ctid::text from " + quoted + " where " + range
                + " and ctid > ?::tid limit " + (FETCH + 1))) {
            ps.setString(1, last);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    ctids.add(rs.getString(1));
                }
            }
        }
        return ctids;
    }

    private static String blockOf(String ctid) {
        return ctid.substring(1, ctid.indexOf(','));
    }

}
