package io.catalogmigration.common.verify;

import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Re-checks exactly what changed since the frontier: every key the change log holds in transactions the frontier does
 * not see (a whole table for a table without a key or after a TRUNCATE), plus every difference recorded earlier. Then
 * the frontier moves to the snapshot the pass was planned from, and the log entries it covers are removed. Online (the
 * replicator's checks, the cutover's preflight) it keeps the window's work to the last moments' writes; in the window,
 * with writes stopped and the target caught up, it is the final check, and together with the online pass it has then
 * covered every row of every table.
 *
 * @param rowsByTable rows re-checked per table
 * @param deferred    rows still changing, left to the next pass (always 0 in the window)
 */
public record DeltaPass(Map<String, Long> rowsByTable, List<Difference> differences, int deferred, long millis) {

    /** Thrown when the target holds no online verification to continue from. */
    public static final class NotStarted extends Exception {
        NotStarted() {
            super("no online verification on the target: the replicator starts it once every table is ready "
                    + "(send CheckReplication until it reports STOP_WAITING)");
        }
    }

    public long rows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @param applied null in the window (writes stopped, target caught up): one reading, nothing deferred */
    public static DeltaPass run(Connection source, Connection target, Applied applied) throws SQLException, NotStarted {
        long started = System.nanoTime();
        if (!ChangeLog.installed(target)) {
            throw new NotStarted();
        }
        // One pass at a time per target database (the replicator's checks and the cutover's preflight may meet).
        Sql.one(target, "select pg_advisory_lock(hashtext('migration_verify.delta'))::text");
        try {
            return runLocked(source, target, applied, started);
        } finally {
            Sql.one(target, "select pg_advisory_unlock(hashtext('migration_verify.delta'))::text");
        }
    }

    private static DeltaPass runLocked(Connection source, Connection target, Applied applied, long started)
            throws SQLException, NotStarted {
        String previous = ChangeLog.frontier(target);
        if (previous == null) {
            throw new NotStarted();
        }
        String now = Sql.one(target, "select pg_current_snapshot()::text");
        Map<String, Relation> planned = ChangeLog.planned(target).stream()
                .collect(Collectors.toMap(p -> p.relation().name(), ChangeLog.Planned::relation, (a, b) -> a, LinkedHashMap::new));
        Map<String, List<List<String>>> keys = new LinkedHashMap<>();
        Set<String> whole = new LinkedHashSet<>();
        try (var ps = target.prepareStatement("""
                select tab, key::text from migration_verify.changes
                where not pg_visible_in_snapshot(xid, ?::pg_snapshot) and pg_visible_in_snapshot(xid, ?::pg_snapshot)
                group by 1, 2
                union select tab, key::text from migration_verify.difference""")) {
            ps.setString(1, previous);
            ps.setString(2, now);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    Relation relation = planned.get(table);
                    if (relation == null) {
                        continue;
                    }
                    List<String> key = rs.getString(2) == null ? List.of()
                            : List.of(MessageJson.mapper().readValue(rs.getString(2), String[].class));
                    if (key.isEmpty() || !relation.keyed()) {
                        whole.add(table);
                    } else {
                        keys.computeIfAbsent(table, t -> new ArrayList<>()).add(key);
                    }
                }
            }
        }
        var verifier = new ChunkVerifier(source, target, applied);
        String deferAfter = applied == null ? null : now;
        Map<String, Long> rows = new LinkedHashMap<>();
        List<Difference> differences = new ArrayList<>();
        int deferred = 0;
        for (String table : whole) {
            var result = verifier.whole(planned.get(table), deferAfter);
            rows.put(table, result.rows().values().stream().mapToLong(Long::longValue).sum());
            differences.addAll(result.differences());
            deferred += result.deferred();
        }
        Map<Relation, List<List<String>>> byTable = new LinkedHashMap<>();
        keys.forEach((table, list) -> {
            if (!whole.contains(table)) byTable.put(planned.get(table), list);
        });
        var result = verifier.keys(byTable, deferAfter);
        byTable.keySet().forEach(r -> rows.put(r.name(), result.rows().getOrDefault(r, 0L)));
        differences.addAll(result.differences());
        deferred += result.deferred();
        record(target, rows, whole, keys, differences, now);
        return new DeltaPass(rows, differences, deferred, (System.nanoTime() - started) / 1_000_000);
    }

    /** One transaction: resolved differences gone, new ones in, counts added, the frontier moved, covered entries removed. */
    private static void record(Connection target, Map<String, Long> rows, Set<String> whole,
                               Map<String, List<List<String>>> keys, List<Difference> differences, String now)
            throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            try (var ps = target.prepareStatement("delete from migration_verify.difference where tab = ?")) {
                for (String table : whole) {
                    ps.setString(1, table);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var ps = target.prepareStatement("delete from migration_verify.difference where tab = ? and key = ?::jsonb")) {
                for (var entry : keys.entrySet()) {
                    for (var key : entry.getValue()) {
                        ps.setString(1, entry.getKey());
                        ps.setString(2, MessageJson.mapper().writeValueAsString(key));
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            VerificationState.recordDifferences(target, differences);
            try (var ps = target.prepareStatement("update migration_verify.planned_table set rows_rechecked = rows_rechecked + ? where tab = ?")) {
                for (var entry : rows.entrySet()) {
                    ps.setLong(1, entry.getValue());
                    ps.setString(2, entry.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (var ps = target.prepareStatement("update migration_verify.frontier set snapshot = ?::pg_snapshot, taken_at = now(), "
                    + "passes = passes + 1")) {
                ps.setString(1, now);
                ps.executeUpdate();
            }
            try (var ps = target.prepareStatement("delete from migration_verify.changes where pg_visible_in_snapshot(xid, ?::pg_snapshot)")) {
                ps.setString(1, now);
                ps.executeUpdate();
            }
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

}
