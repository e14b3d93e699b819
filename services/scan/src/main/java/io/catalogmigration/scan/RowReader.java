package io.catalogmigration.scan;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.TableName;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback check, for servers without amcheck: reads every row of a block range and detoasts every column
 * ({@code t::text}), the way pg_dump would. On PostgreSQL 14+, where ctid bounds are a TID range scan, a range that
 * fails is halved until single blocks, whose rows are then read one by one, so only the failing rows are named;
 * before 14 {@link RowWalk} finds them in passes over the heap instead.
 */
final class RowReader {

    static List<Suspect> check(Connection connection, String table, ScanItem item) throws SQLException {
        String quoted = TableName.parse(table).quoted();
        long blocks = Blocks.current(connection, item.oid());
        long end = item.endBlock() == null ? blocks : Math.min(item.endBlock(), blocks);
        List<Suspect> suspects = new ArrayList<>();
        if (item.startBlock() < end && !readsFine(connection, quoted, item.startBlock(), end)) {
            if (tidRangeScans(connection)) {
                narrow(connection, quoted, item.startBlock(), end, suspects);
            } else {
                suspects.addAll(RowWalk.find(connection, quoted, item.startBlock(), end));
            }
        }
        return suspects;
    }

    /**
     * Reads [from, to) as pg_dump does, COPY in text format into a sink here: every value detoasted and through its
     * output function. An aggregate over {@code t::text} would send nothing back but costs four times as much: it
     * flattens every row into a composite value first. COPY takes no parameters; the bounds are numbers.
     */
    private static boolean readsFine(Connection connection, String quoted, long from, long to) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select * from " + quoted + " where ctid >= '"
                    + Blocks.tid(from, 0) + "'::tid and ctid < '" + Blocks.tid(to, 0) + "'::tid) to stdout",
                    OutputStream.nullOutputStream());
            return true;
        } catch (IOException e) {
            throw PgErrors.connectionFailure("reading " + quoted, e);
        } catch (SQLException e) {
            if (PgErrors.dataCorruption(e)) {
                return false;
            }
            throw e;
        }
    }

    private static void narrow(Connection connection, String quoted, long from, long to, List<Suspect> suspects)
            throws SQLException {
        if (to - from > 1) {
            long middle = from + (to - from) / 2;
            if (!readsFine(connection, quoted, from, middle)) {
                narrow(connection, quoted, from, middle, suspects);
            }
            if (!readsFine(connection, quoted, middle, to)) {
                narrow(connection, quoted, middle, to, suspects);
            }
            return;
        }
        List<String> ctids = new ArrayList<>();
        try (var ps = connection.prepareStatement("select ctid::text from " + quoted + " where ctid >= ?::tid and ctid < ?::tid")) {
            ps.setString(1, Blocks.tid(from, 0));
            ps.setString(2, Blocks.tid(from + 1, 0));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    ctids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!PgErrors.dataCorruption(e)) {
                throw e;
            }
            // Not even the tuple headers of this block can be read: report the block, which cannot be deleted by ctid.
            suspects.add(new Suspect("block " + from, PgErrors.serverMessage(e)));
            return;
        }
        for (String ctid : ctids) {
            String error = readRow(connection, quoted, ctid);
            if (error != null) {
                suspects.add(new Suspect(ctid, error));
            }
        }
    }

    /** PostgreSQL 14+: ctid bounds read only their blocks, so halving a range costs half as much each time. */
    private static boolean tidRangeScans(Connection connection) throws SQLException {
        return Integer.parseInt(io.catalogmigration.common.pg.Sql.one(connection, "show server_version_num")) >= 140000;
    }

    /** Null when the row reads (or is gone), else the server's error. */
    static String readRow(Connection connection, String quoted, String ctid) throws SQLException {
        try (var ps = connection.prepareStatement("select length(t::text) from " + quoted + " t where ctid = ?::tid")) {
            ps.setString(1, ctid);
            ps.executeQuery().close();
            return null;
        } catch (SQLException e) {
            if (PgErrors.dataCorruption(e)) {
                return PgErrors.serverMessage(e);
            }
            throw e;
        }
    }

    private RowReader() {
    }
}
