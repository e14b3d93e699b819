package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers with bound parameters (identifiers go through {@link SqlIdentifier}). */
public final class Sql {

    public static boolean exists(Connection connection, String sql, Object... args) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public static String one(Connection connection, String sql, Object... args) throws SQLException {
        var all = strings(connection, sql, args);
        return all.isEmpty() ? null : all.get(0);
    }

    public static List<String> strings(Connection connection, String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /** An INSERT, UPDATE or DELETE with bound parameters; the rows it changed. */
    public static int update(Connection connection, String sql, Object... args) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    public static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A string literal for the rare statement that takes no parameters (CREATE SUBSCRIPTION ... CONNECTION). */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private Sql() {
    }
}
