package io.catalogmigration.common.verify;

import io.catalogmigration.common.kafka.MessageJson;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares rows of one table on both servers. While replication runs, most chunks are cold and agree at the first
 * reading; one that differs is read again after the target has applied the source's WAL position of that reading, a
 * few times; a difference that stays is narrowed down to its rows by key, and those rows are checked again the same
 * way. A row that still differs but has changed in a transaction the given frontier does not see is left to the next
 * delta pass (the change log has it); any other is a difference. In the window (writes stopped, the target caught up)
 * one reading is the answer and nothing is deferred.
 */
public final class ChunkVerifier {

    /**
     * @param rows      rows compared (the source's count)
     * @param deferred  rows (or whole tables) left to the next pass because they are still changing
     */
    public record Result(long rows, List<Difference> differences, int deferred) {
    }

    private static final int ROUNDS = 3;

    private final Connection source;
    private final Connection target;
    private final Applied applied;

    /** @param applied null in the window: writes are stopped and the target has applied everything */
    public ChunkVerifier(Connection source, Connection target, Applied applied) throws SQLException {
        this.source = source;
        this.target = target;
        this.applied = applied;
        RowHashing.prepareSession(source);
        RowHashing.prepareSession(target);
    }

    private int rounds() {
        return applied == null ? 1 : ROUNDS;
    }

    /** @param frontier the snapshot whose later changes are deferred; null in the window */
    public Result chunk(Relation table, List<String> lo, List<String> hi, String frontier) throws SQLException {
        RowHashing.Checksum onSource = null;
        for (int round = 0; round < rounds(); round++) {
            onSource = RowHashing.checksum(source, table, lo, hi);
            if (round > 0 && !applied.await(applied.sourcePosition())) {
                continue;
            }
            if (onSource.equals(RowHashing.checksum(target, table, lo, hi))) {
                return new Result(onSource.rows(), List.of(), 0);
            }
        }
        if (!table.keyed()) {
            return multiset(table, onSource.rows(), frontier);
        }
        var sourceRows = RowHashing.rowHashes(source, table, lo, hi);
        var targetRows = RowHashing.rowHashes(target, table, lo, hi);
        Set<List<String>> suspects = new HashSet<>();
        sourceRows.forEach((key, hash) -> {
            if (!hash.equals(targetRows.get(key))) suspects.add(key);
        });
        targetRows.keySet().stream().filter(k -> !sourceRows.containsKey(k)).forEach(suspects::add);
        var checked = keys(table, new ArrayList<>(suspects), frontier);
        return new Result(onSource.rows(), checked.differences(), checked.deferred());
    }

    /** The rows with these keys, looked up by key on both servers. */
    public Result keys(Relation table, List<List<String>> keys, String frontier) throws SQLException {
        List<List<String>> left = keys;
        Map<List<String>, Long> onSource = Map.of();
        Map<List<String>, Long> onTarget = Map.of();
        for (int round = 0; round < rounds() && !left.isEmpty(); round++) {
            onSource = RowHashing.rowHashes(source, table, left);
            if (round > 0) {
                applied.await(applied.sourcePosition());
            }
            onTarget = RowHashing.rowHashes(target, table, left);
            List<List<String>> still = new ArrayList<>();
            for (var key : left) {
                Long s = onSource.get(key);
                Long t = onTarget.get(key);
                if (s == null ? t != null : !s.equals(t)) still.add(key);
            }
            left = still;
        }
        var changing = frontier == null ? Set.<List<String>>of() : changedAfter(table, frontier);
        List<Difference> differences = new ArrayList<>();
        for (var key : left) {
            if (!changing.contains(key) && !changing.contains(List.<String>of())) {
                differences.add(new Difference(table.name(), key, describe(onSource.get(key), onTarget.get(key))));
            }
        }
        return new Result(keys.size(), differences, left.size() - differences.size());
    }

    /** A whole table, for one without a key or after a TRUNCATE: one chunk without bounds. */
    public Result whole(Relation table, String frontier) throws SQLException {
        return chunk(table, null, null, frontier);
    }

    private Result multiset(Relation table, long rows, String frontier) throws SQLException {
        if (frontier != null && !changedAfter(table, frontier).isEmpty()) {
            return new Result(rows, List.of(), 1);
        }
        var s = RowHashing.rowHashCounts(source, table);
        var t = RowHashing.rowHashCounts(target, table);
        long missing = 0;
        long extra = 0;
        for (var e : s.entrySet()) missing += Math.max(0, e.getValue() - t.getOrDefault(e.getKey(), 0L));
        for (var e : t.entrySet()) extra += Math.max(0, e.getValue() - s.getOrDefault(e.getKey(), 0L));
        return new Result(rows, List.of(new Difference(table.name(), List.of(), "no key: " + missing
                + " row(s) of the source have no identical row on the target, " + extra
                + " row(s) of the target none on the source")), 0);
    }

    /** Keys of this table changed in transactions the snapshot does not see; the empty key: the whole table changed. */
    private Set<List<String>> changedAfter(Relation table, String frontier) throws SQLException {
        Set<List<String>> changed = new HashSet<>();
        try (var ps = target.prepareStatement("""
                select c.key::text from migration_verify.changes c
                where c.tab = ? and not pg_visible_in_snapshot(c.xid, ?::pg_snapshot)""")) {
            ps.setString(1, table.name());
            ps.setString(2, frontier);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    changed.add(key == null ? List.of() : List.of(MessageJson.mapper().readValue(key, String[].class)));
                }
            }
        }
        return changed;
    }

    private static String describe(Long source, Long target) {
        if (source == null) return "on the target only (deleted on the source, or written to the target directly)";
        if (target == null) return "missing on the target";
        return "contents differ";
    }
}
