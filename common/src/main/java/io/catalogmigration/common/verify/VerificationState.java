package io.catalogmigration.common.verify;

import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and records verification's progress on the target (see {@link ChangeLog}): chunks verified by the online pass,
 * rows re-checked by the delta passes, differences found and not yet resolved, and the frontier.
 *
 * @param tables        per table: rows verified online so far (chunks plus delta re-checks)
 * @param byInstance    chunks verified by each instance (its {@code verified_by} name)
 * @param chunksPlanned chunks of the online pass
 * @param chunksDone    chunks verified
 * @param frontierAt    when the frontier was last moved (null: no online verification on this target)
 * @param deltaPasses   delta passes since the online pass began
 */
public record VerificationState(Map<String, TableState> tables, int chunksPlanned, int chunksDone, long bytesDone,
                                List<Difference> differences, Instant frontierAt, int deltaPasses,
                                Map<String, Integer> byInstance) {

    public record TableState(String method, long rowsOnline, int chunks, int chunksDone) {
    }

    public static final VerificationState NONE = new VerificationState(Map.of(), 0, 0, 0, List.of(), null, 0, Map.of());

    public boolean planned() {
        return frontierAt != null;
    }

    public boolean passComplete() {
        return planned() && chunksDone >= chunksPlanned;
    }

    public long rowsOnline() {
        return tables.values().stream().mapToLong(TableState::rowsOnline).sum();
    }

    public static VerificationState read(Connection target) throws SQLException {
        if (!ChangeLog.installed(target)
                || !Sql.exists(target, "select 1 from migration_verify.frontier")) {
            return NONE;
        }
        Map<String, TableState> tables = new LinkedHashMap<>();
        int planned = 0;
        int done = 0;
        long bytes = 0;
        try (var ps = target.prepareStatement("""
                select p.tab, p.key::text = '[]', p.chunks, count(c.seq), coalesce(sum(c.rows), 0) + p.rows_rechecked,
                       coalesce(sum(c.bytes), 0)
                from migration_verify.planned_table p left join migration_verify.verified_chunk c on c.tab = p.tab
                group by p.tab, p.key, p.chunks, p.rows_rechecked order by p.tab""");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.put(rs.getString(1), new TableState(Relation.method(!rs.getBoolean(2)),
                        rs.getLong(5), rs.getInt(3), rs.getInt(4)));
                planned += rs.getInt(3);
                done += rs.getInt(4);
                bytes += rs.getLong(6);
            }
        }
        List<Difference> differences = new ArrayList<>();
        try (var ps = target.prepareStatement("select tab, key::text, detail from migration_verify.difference order by found_at, tab");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                differences.add(new Difference(rs.getString(1), List.of(MessageJson.mapper().readValue(rs.getString(2),
                        String[].class)), rs.getString(3)));
            }
        }
        Map<String, Integer> byInstance = new LinkedHashMap<>();
        try (var ps = target.prepareStatement("select coalesce(verified_by, '?'), count(*) from migration_verify.verified_chunk "
                + "group by 1 order by 1");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                byInstance.put(rs.getString(1), rs.getInt(2));
            }
        }
        try (var ps = target.prepareStatement("select taken_at, passes from migration_verify.frontier");
             var rs = ps.executeQuery()) {
            rs.next();
            return new VerificationState(tables, planned, done, bytes, differences, rs.getTimestamp(1).toInstant(), rs.getInt(2),
                    byInstance);
        }
    }

    /** Records a chunk of the online pass as verified, with what it found; a chunk verified again counts once. */
    public static void recordChunk(Connection target, String table, int seq, long rows, long bytes, String verifiedBy)
            throws SQLException {
        try (var ps = target.prepareStatement("""
                insert into migration_verify.verified_chunk (tab, seq, rows, bytes, verified_by) values (?, ?, ?, ?, ?)
                on conflict (tab, seq) do update set rows = excluded.rows, checks = verified_chunk.checks + 1,
                verified_at = now(), verified_by = excluded.verified_by""")) {
            ps.setString(1, table);
            ps.setInt(2, seq);
            ps.setLong(3, rows);
            ps.setLong(4, bytes);
            ps.setString(5, verifiedBy);
            ps.executeUpdate();
        }
    }

    public static void recordDifferences(Connection target, List<Difference> differences) throws SQLException {
        try (var ps = target.prepareStatement("""
                insert into migration_verify.difference (tab, key, detail) values (?, ?::jsonb, ?)
                on conflict (tab, key) do update set detail = excluded.detail""")) {
            for (Difference d : differences) {
                ps.setString(1, d.table());
                ps.setString(2, MessageJson.mapper().writeValueAsString(d.key()));
                ps.setString(3, d.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
