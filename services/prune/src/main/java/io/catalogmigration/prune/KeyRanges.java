package io.catalogmigration.prune;

import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/** Splits a table's rows past retention into key ranges of about {@code batchSize} such rows each. */
final class KeyRanges {

    static List<DeleteRange> split(Connection connection, TablePlan table, int batchSize) throws SQLException {
        String key = SqlIdentifier.quote(table.keyColumn());
        String ts = SqlIdentifier.quote(table.timestampColumn());
        String from = TableName.parse(table.table()).quoted();
        long min;
        long max;
        try (var ps = connection.prepareStatement("select min(" + key + "), max(" + key + ") from " + from + " where " + ts + " < ?")) {
            ps.setTimestamp(1, Timestamp.from(table.cutoff()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                min = rs.getLong(1);
                if (rs.wasNull()) {
                    return List.of();
                }
                max = rs.getLong(2);
            }
        }
        List<Long> bounds = new ArrayList<>();
        bounds.add(min - 1);
        if (table.pastRetentionBefore() > batchSize) {
            try (var ps = connection.prepareStatement("select k from (select " + key + " k, row_number() over (order by "
                    + key + ") rn from " + from + " where " + ts + " < ?) s where rn % ? = 0 order by k")) {
                ps.setTimestamp(1, Timestamp.from(table.cutoff()));
                ps.setInt(2, batchSize);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long k = rs.getLong(1);
                        if (k < max) {
                            bounds.add(k);
                        }
                    }
                }
            }
        }
        bounds.add(max);
        List<DeleteRange> ranges = new ArrayList<>(bounds.size() - 1);
        for (int i = 1; i < bounds.size(); i++) {
            ranges.add(new DeleteRange(table.table(), table.keyColumn(), table.timestampColumn(), table.cutoff(),
                    bounds.get(i - 1), bounds.get(i), table.guards()));
        }
        return ranges;
    }

    private KeyRanges() {
    }
}
