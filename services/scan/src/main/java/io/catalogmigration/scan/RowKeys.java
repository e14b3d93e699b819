package io.catalogmigration.scan;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads a damaged row's primary key alone, by ctid: the key columns are usually intact when a TOAST value is not. */
final class RowKeys {

    /** Column to value as text; null when the table has no primary key, the row is gone, or its key is unreadable too. */
    static Map<String, String> read(Connection connection, String table, List<String> primaryKey, String ctid)
            throws SQLException {
        if (primaryKey.isEmpty()) {
            return null;
        }
        String columns = primaryKey.stream().map(c -> SqlIdentifier.quote(c) + "::text").collect(Collectors.joining(", "));
        try (var ps = connection.prepareStatement("select " + columns + " from " + TableName.parse(table).quoted()
                + " where ctid = ?::tid")) {
            ps.setString(1, ctid);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, String> key = new LinkedHashMap<>();
                for (int i = 0; i < primaryKey.size(); i++) {
                    key.put(primaryKey.get(i), rs.getString(i + 1));
                }
                return key;
            }
        } catch (SQLException e) {
            if (PgErrors.dataCorruption(e)) {
                return null;
            }
            throw e;
        }
    }

    /** {@code and "a"::text = ? and "b"::text = ?} for the key's columns, to bind in order; empty without a key. */
    static String match(Map<String, String> key) {
        if (key == null) {
            return "";
        }
        return key.keySet().stream().map(c -> " and " + SqlIdentifier.quote(c) + "::text = ?").collect(Collectors.joining());
    }

    static int bind(PreparedStatement ps, int from, Map<String, String> key) throws SQLException {
        int index = from;
        if (key != null) {
            for (String value : key.values()) {
                ps.setString(index++, value);
            }
        }
        return index;
    }

    private RowKeys() {
    }
}
