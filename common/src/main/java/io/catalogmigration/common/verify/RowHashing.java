package io.catalogmigration.common.verify;

import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL that reads rows for comparison, the same on both servers: each row's text form hashed inside PostgreSQL
 * ({@code hashtextextended(t::text, 0)}, stable across majors), summed per chunk with a row count. A sum is
 * independent of row order, so two servers whose collations order text keys differently still agree.
 */
public final class RowHashing {

    /** Text output that does not depend on a session's defaults, so equal rows print alike on both servers. */
    private static final List<String> SESSION = List.of("SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'",
            "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 1", "SET bytea_output = 'hex'");

    private static final String ROW_HASH = "hashtextextended(t::text, 0)";
    /** Keys per statement when rows are looked up one by one (a composite key becomes an OR of index probes). */
    static final int KEYS_PER_QUERY = 500;

    public record Checksum(long rows, String sum) {
    }

    public static void prepareSession(Connection connection) throws SQLException {
        for (String setting : SESSION) {
            Sql.execute(connection, setting);
        }
    }

    /** Count and summed row hash of the rows between {@code lo} (inclusive) and {@code hi} (exclusive); null: open. */
    public static Checksum checksum(Connection connection, Relation table, List<String> lo, List<String> hi) throws SQLException {
        String where = range(table, lo, hi);
        boolean ranged = !where.isEmpty();
        // A range is a small part of a large table: read it through the key's index, never by scanning the table.
        if (ranged) {
            Sql.execute(connection, "SET enable_seqscan = off");
        }
        try (var ps = connection.prepareStatement("select count(*), coalesce(sum(" + ROW_HASH + "), 0)::text from "
                + table.name() + " t" + where)) {
            bindRange(ps, 1, lo, hi);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new Checksum(rs.getLong(1), rs.getString(2));
            }
        } finally {
            if (ranged) {
                Sql.execute(connection, "RESET enable_seqscan");
            }
        }
    }

    /** Count and summed row hash of a whole query's result (a materialized view, or the query that defines it). */
    public static Checksum checksumOfQuery(Connection connection, String query) throws SQLException {
        try (var ps = connection.prepareStatement("select count(*), coalesce(sum(" + ROW_HASH + "), 0)::text from ("
                + query + ") t");
             var rs = ps.executeQuery()) {
            rs.next();
            return new Checksum(rs.getLong(1), rs.getString(2));
        }
    }

    /** Each row's key (as text) and hash in a range, for narrowing a chunk that differs down to its rows. */
    public static Map<List<String>, Long> rowHashes(Connection connection, Relation table, List<String> lo, List<String> hi)
            throws SQLException {
        String where = range(table, lo, hi);
        try (var ps = connection.prepareStatement("select " + keyText(table) + ", " + ROW_HASH + " from " + table.name()
                + " t" + where)) {
            bindRange(ps, 1, lo, hi);
            return keyedHashes(ps, table.key().size());
        }
    }

    /** The rows with these keys (absent keys are simply missing from the answer). */
    public static Map<List<String>, Long> rowHashes(Connection connection, Relation table, List<List<String>> keys)
            throws SQLException {
        Map<List<String>, Long> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            var part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            if (table.key().size() == 1) {
                var column = table.key().get(0);
                try (var ps = connection.prepareStatement("select " + keyText(table) + ", " + ROW_HASH + " from "
                        + table.name() + " t where " + column.name() + " = any (?::text[]::" + column.type() + "[])")) {
                    ps.setArray(1, connection.createArrayOf("text", part.stream().map(k -> k.get(0)).toArray()));
                    found.putAll(keyedHashes(ps, 1));
                }
            } else {
                String one = "(" + columns(table) + ") = (" + placeholders(table) + ")";
                String where = part.stream().map(k -> one).collect(Collectors.joining(" or "));
                try (var ps = connection.prepareStatement("select " + keyText(table) + ", " + ROW_HASH + " from "
                        + table.name() + " t where " + where)) {
                    int i = 1;
                    for (List<String> key : part) {
                        for (String value : key) {
                            ps.setString(i++, value);
                        }
                    }
                    found.putAll(keyedHashes(ps, table.key().size()));
                }
            }
        }
        return found;
    }

    /** A table without a key, as a multiset: each distinct row hash and how often it occurs. */
    public static Map<Long, Long> rowHashCounts(Connection connection, Relation table) throws SQLException {
        Map<Long, Long> counts = new HashMap<>();
        try (var ps = connection.prepareStatement("select " + ROW_HASH + ", count(*) from " + table.name() + " t group by 1");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Key boundaries that cut a table into about {@code chunks} ranges, from a sample of its keys (source side). */
    public static List<List<String>> boundaries(Connection source, Relation table, int chunks) throws SQLException {
        if (chunks <= 1 || !table.keyed()) {
            return List.of();
        }
        long wanted = Math.min(200_000L, chunks * 64L);
        long rows = table.estimatedRows() > 0 ? table.estimatedRows() : Math.max(1, table.bytes() / 200);
        double percent = Math.min(100.0, wanted * 100.0 / rows);
        List<List<String>> sample = new ArrayList<>();
        try (var ps = source.prepareStatement("select " + keyText(table) + " from " + table.name() + " t tablesample system ("
                + String.format(java.util.Locale.ROOT, "%.6f", percent) + ") order by " + columns(table));
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> key = new ArrayList<>(table.key().size());
                for (int i = 1; i <= table.key().size(); i++) {
                    key.add(rs.getString(i));
                }
                sample.add(key);
            }
        }
        List<List<String>> cuts = new ArrayList<>();
        for (int i = 1; i < chunks && !sample.isEmpty(); i++) {
            var cut = sample.get((int) ((long) i * sample.size() / chunks));
            if (cuts.isEmpty() || !cuts.get(cuts.size() - 1).equals(cut)) {
                cuts.add(cut);
            }
        }
        if (!cuts.isEmpty() && cuts.get(0).equals(sample.get(0))) {
            cuts.remove(0);
        }
        return cuts;
    }

    private static Map<List<String>, Long> keyedHashes(PreparedStatement ps, int keyColumns) throws SQLException {
        Map<List<String>, Long> hashes = new HashMap<>();
        try (var rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> key = new ArrayList<>(keyColumns);
                for (int i = 1; i <= keyColumns; i++) {
                    key.add(rs.getString(i));
                }
                hashes.put(key, rs.getLong(keyColumns + 1));
            }
        }
        return hashes;
    }

    private static String range(Relation table, List<String> lo, List<String> hi) {
        List<String> parts = new ArrayList<>();
        if (lo != null) {
            parts.add("(" + columns(table) + ") >= (" + placeholders(table) + ")");
        }
        if (hi != null) {
            parts.add("(" + columns(table) + ") < (" + placeholders(table) + ")");
        }
        return parts.isEmpty() ? "" : " where " + String.join(" and ", parts);
    }

    private static void bindRange(PreparedStatement ps, int first, List<String> lo, List<String> hi) throws SQLException {
        int i = first;
        if (lo != null) {
            for (String value : lo) {
                ps.setString(i++, value);
            }
        }
        if (hi != null) {
            for (String value : hi) {
                ps.setString(i++, value);
            }
        }
    }

    private static String columns(Relation table) {
        return table.key().stream().map(k -> "t." + k.name()).collect(Collectors.joining(", "));
    }

    private static String keyText(Relation table) {
        return table.key().stream().map(k -> "t." + k.name() + "::text").collect(Collectors.joining(", "));
    }

    private static String placeholders(Relation table) {
        return table.key().stream().map(k -> "?::" + k.type()).collect(Collectors.joining(", "));
    }

    private RowHashing() {
    }
}
