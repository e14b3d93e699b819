package io.catalogmigration.common.verify;

import io.catalogmigration.common.kafka.MessageJson;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares rows of published tables on both servers. While replication runs, most chunks are cold and agree at the
 * first reading ({@link #agree}). The rest are settled together ({@link #settle}): read again after the target has
 * applied the source's WAL position of that reading, a few rounds, one wait per round for all of them; what still
 * differs is narrowed down to its rows by key, and those rows go through the same rounds. A row that still differs but
 * has changed in a transaction the frontier does not see is left to the next delta pass (the change log has it); so is
 * one that still differs while the target has not applied the source's position within the apply timeout (it is
 * lagging, not wrong: the row is written into the change log, so the next pass compares it again); any other is a
 * difference. In the window (writes stopped, the target caught up) one reading is the answer and nothing is deferred.
 */
public final class ChunkVerifier {

    /** A range of a table; null bounds are open. */
    public record Chunk(Relation table, List<String> lo, List<String> hi) {
    }

    /**
     * @param rows        per chunk (or per table, for keys), the rows compared (the source's count)
     * @param deferred    rows (or whole tables) left to the next pass because they are still changing
     */
    public record Settled(Map<Object, Long> rows, List<Difference> differences, int deferred) {
    }

    private static final int ROUNDS = 3;

    private final Connection source;
    private final Connection target;
    private final Applied applied;
    /** The last wait for the target ran out: what still differs may only be late. */
    private boolean behind;

    /** @param applied null in the window: writes are stopped and the target has applied everything */
    public ChunkVerifier(Connection source, Connection target, Applied applied) throws SQLException {
        this.source = source;
        this.target = target;
        this.applied = applied;
        RowHashing.prepareSession(source);
        RowHashing.prepareSession(target);
    }

    /**
     * One reading of a chunk on both servers at the same time (the target's on a second thread, so a chunk takes as
     * long as the slower server, not the sum): its row count when they agree.
     */
    public Optional<Long> agree(Chunk chunk) throws SQLException {
        var onTarget = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return RowHashing.checksum(target, chunk.table(), chunk.lo(), chunk.hi());
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, TARGET_READS);
        RowHashing.Checksum s;
        try {
            s = RowHashing.checksum(source, chunk.table(), chunk.lo(), chunk.hi());
        } catch (SQLException | RuntimeException e) {
            // The target's connection must be idle again before the caller uses or closes it.
            onTarget.exceptionally(failed -> null).join();
            throw e;
        }
        RowHashing.Checksum t;
        try {
            t = onTarget.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof SQLException sql) throw sql;
            throw e;
        }
        return s.equals(t) ? Optional.of(s.rows()) : Optional.empty();
    }

    /** Threads that read the target while the caller reads the source; daemon, grown as workers need them. */
    private static final java.util.concurrent.ExecutorService TARGET_READS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "verify-target-read");
        thread.setDaemon(true);
        return thread;
    });

    /** @param frontier the snapshot whose later changes are deferred; null in the window */
    public Settled settle(List<Chunk> chunks, String frontier) throws SQLException {
        Map<Object, Long> rows = new LinkedHashMap<>();
        Map<Chunk, RowHashing.Checksum> counted = new LinkedHashMap<>();
        List<Chunk> pending = new ArrayList<>(chunks);
        for (int round = 1; round < rounds() && !pending.isEmpty(); round++) {
            for (Chunk c : pending) counted.put(c, RowHashing.checksum(source, c.table(), c.lo(), c.hi()));
            catchUp();
            List<Chunk> still = new ArrayList<>();
            for (Chunk c : pending) {
                if (counted.get(c).equals(RowHashing.checksum(target, c.table(), c.lo(), c.hi()))) {
                    rows.put(c, counted.get(c).rows());
                } else {
                    still.add(c);
                }
            }
            pending = still;
        }
        List<Difference> differences = new ArrayList<>();
        int deferred = 0;
        Map<Relation, List<List<String>>> suspects = new LinkedHashMap<>();
        for (Chunk c : pending) {
            if (!c.table().keyed()) {
                rows.put(c, counted.containsKey(c) ? counted.get(c).rows() : 0L);
                var whole = multiset(c.table(), frontier);
                differences.addAll(whole.differences());
                deferred += whole.deferred();
                continue;
            }
            var sourceRows = RowHashing.rowHashes(source, c.table(), c.lo(), c.hi());
            rows.put(c, (long) sourceRows.size());
            var targetRows = RowHashing.rowHashes(target, c.table(), c.lo(), c.hi());
            Set<List<String>> keys = new HashSet<>();
            sourceRows.forEach((key, hash) -> {
                if (!hash.equals(targetRows.get(key))) keys.add(key);
            });
            targetRows.keySet().stream().filter(k -> !sourceRows.containsKey(k)).forEach(keys::add);
            suspects.computeIfAbsent(c.table(), t -> new ArrayList<>()).addAll(keys);
        }
        var byKey = keys(suspects, frontier);
        differences.addAll(byKey.differences());
        return new Settled(rows, differences, deferred + byKey.deferred());
    }

    /** Rows looked up by key on both servers, all tables together, one wait per round. */
    public Settled keys(Map<Relation, List<List<String>>> keys, String frontier) throws SQLException {
        Map<Object, Long> rows = new LinkedHashMap<>();
        keys.forEach((table, list) -> rows.put(table, (long) list.size()));
        Map<Relation, List<List<String>>> left = new LinkedHashMap<>(keys);
        Map<Relation, Map<List<String>, Long>> onSource = new LinkedHashMap<>();
        Map<Relation, Map<List<String>, Long>> onTarget = new LinkedHashMap<>();
        for (int round = 0; round < rounds() && !left.isEmpty(); round++) {
            for (var e : left.entrySet()) onSource.put(e.getKey(), RowHashing.rowHashes(source, e.getKey(), e.getValue()));
            if (round > 0) {
                catchUp();
            }
            Map<Relation, List<List<String>>> still = new LinkedHashMap<>();
            for (var e : left.entrySet()) {
                var t = RowHashing.rowHashes(target, e.getKey(), e.getValue());
                onTarget.put(e.getKey(), t);
                var s = onSource.get(e.getKey());
                for (var key : e.getValue()) {
                    Long a = s.get(key);
                    Long b = t.get(key);
                    if (a == null ? b != null : !a.equals(b)) still.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(key);
                }
            }
            left = still;
        }
        List<Difference> differences = new ArrayList<>();
        int deferred = 0;
        for (var e : left.entrySet()) {
            var changing = frontier == null ? Set.<List<String>>of() : changedAfter(e.getKey(), frontier);
            for (var key : e.getValue()) {
                if (changing.contains(key) || changing.contains(List.<String>of())) {
                    deferred++;
                } else if (behind) {
                    ChangeLog.recheck(target, e.getKey().name(), key);
                    deferred++;
                } else {
                    differences.add(new Difference(e.getKey().name(), key,
                            describe(onSource.get(e.getKey()).get(key), onTarget.get(e.getKey()).get(key))));
                }
            }
        }
        return new Settled(rows, differences, deferred);
    }

    /** A whole table, for one without a key or after a TRUNCATE: one chunk without bounds. */
    public Settled whole(Relation table, String frontier) throws SQLException {
        var chunk = new Chunk(table, null, null);
        var agreed = agree(chunk);
        if (agreed.isPresent()) {
            return new Settled(Map.of(chunk, agreed.get()), List.of(), 0);
        }
        return settle(List.of(chunk), frontier);
    }

    private void catchUp() throws SQLException {
        behind = !applied.await(applied.sourcePosition());
    }

    private int rounds() {
        return applied == null ? 1 : ROUNDS;
    }

    private Settled multiset(Relation table, String frontier) throws SQLException {
        if (frontier != null && !changedAfter(table, frontier).isEmpty()) {
            return new Settled(Map.of(), List.of(), 1);
        }
        if (behind) {
            ChangeLog.recheck(target, table.name(), null);
            return new Settled(Map.of(), List.of(), 1);
        }
        var s = RowHashing.rowHashCounts(source, table);
        var t = RowHashing.rowHashCounts(target, table);
        long missing = 0;
        long extra = 0;
        for (var e : s.entrySet()) missing += Math.max(0, e.getValue() - t.getOrDefault(e.getKey(), 0L));
        for (var e : t.entrySet()) extra += Math.max(0, e.getValue() - s.getOrDefault(e.getKey(), 0L));
        return new Settled(Map.of(), List.of(new Difference(table.name(), List.of(), "no key: " + missing
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
