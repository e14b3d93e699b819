package io.catalogmigration.cutover;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One row per migration in the cutover's schema of the control database: what the last cutover changed; and one row
 * per change a fence made, so that releasing it puts back exactly what was there.
 */
record CutoverStore(JdbcTemplate jdbc) {

    static final String FENCED = "FENCED";
    static final String SUBSCRIPTIONS_DROPPED = "SUBSCRIPTIONS_DROPPED";
    static final String SWITCHED = "SWITCHED";
    static final String COMPLETED = "COMPLETED";
    static final String RELEASED = "RELEASED";
    static final String ROLLED_BACK = "ROLLED_BACK";
    static final String FINISHED = "FINISHED";

    static final String SOURCE = "source";
    static final String TARGET = "target";

    record State(String migrationId, UUID runId, String stage, List<String> databases, boolean sourceFenced,
                 boolean targetFenced, String captured, Instant writesStopped, Instant switchedAt, String fallbackUser,
                 boolean fallbackCreated, Instant fallbackStarted, Instant fallbackDropped) {

        /** The application's settings point at the target (FINISHED: for good). */
        boolean switched() {
            return stage.equals(SWITCHED) || stage.equals(COMPLETED) || stage.equals(FINISHED);
        }

        boolean finished() {
            return stage.equals(FINISHED);
        }

        /** The replication back to the source was set up and not dropped since. */
        boolean fallbackRunning() {
            return fallbackStarted != null && fallbackDropped == null;
        }
    }

    /**
     * One change of a fence.
     *
     * @param kind     {@link #LOGIN} or {@link #READ_ONLY}
     * @param previous read-only: the database's own default_transaction_read_only before the fence (null: none)
     */
    record FenceChange(String side, String kind, String name, String previous) {
        static final String LOGIN = "login";
        static final String READ_ONLY = "read-only";
    }

    Optional<State> find(String migrationId) {
        return jdbc.query("select * from cutover_state where migration_id = ?", (rs, i) -> new State(
                rs.getString("migration_id"), rs.getObject("run_id", UUID.class), rs.getString("stage"),
                Arrays.asList((String[]) rs.getArray("databases").getArray()), rs.getBoolean("source_fenced"),
                rs.getBoolean("target_fenced"), rs.getString("captured"), instant(rs.getTimestamp("writes_stopped")),
                instant(rs.getTimestamp("switched_at")), rs.getString("fallback_user"), rs.getBoolean("fallback_created"),
                instant(rs.getTimestamp("fallback_started")), instant(rs.getTimestamp("fallback_dropped"))),
                migrationId).stream().findFirst();
    }

    /** Recorded before the first ALTER, so a crash right after it still knows to release the source. */
    void fencing(String migrationId, UUID runId, List<String> databases, Instant at) {
        jdbc.update("""
                insert into cutover_state (migration_id, run_id, stage, databases, source_fenced, writes_stopped)
                values (?, ?, 'FENCED', ?, true, ?)
                on conflict (migration_id) do update set run_id = excluded.run_id, stage = 'FENCED',
                databases = excluded.databases, source_fenced = true, target_fenced = false, captured = null,
                writes_stopped = excluded.writes_stopped, switched_at = null, fallback_user = null,
                fallback_created = false, fallback_started = null, fallback_dropped = null, updated_at = now()""",
                migrationId, runId, databases.toArray(String[]::new), Timestamp.from(at));
    }

    void stage(String migrationId, String stage) {
        jdbc.update("update cutover_state set stage = ?, updated_at = now() where migration_id = ?", stage, migrationId);
    }

    /** The capture is stored before the switcher writes, so a crash in between can still be rolled back. */
    void capturing(String migrationId, String captured) {
        jdbc.update("update cutover_state set captured = ?, updated_at = now() where migration_id = ?", captured, migrationId);
    }

    void switched(String migrationId, Instant at) {
        jdbc.update("update cutover_state set stage = 'SWITCHED', switched_at = ?, updated_at = now() where migration_id = ?",
                Timestamp.from(at), migrationId);
    }

    void sourceReleased(String migrationId, String stage) {
        jdbc.update("update cutover_state set source_fenced = false, stage = ?, updated_at = now() where migration_id = ?",
                stage, migrationId);
    }

    void targetFenced(String migrationId, boolean fenced) {
        jdbc.update("update cutover_state set target_fenced = ?, updated_at = now() where migration_id = ?", fenced, migrationId);
    }

    /** Recorded before the first object is created, so an abort or a restart knows to look for them. */
    void fallbackStarting(String migrationId, String user) {
        jdbc.update("update cutover_state set fallback_user = ?, fallback_started = now(), fallback_dropped = null, "
                + "updated_at = now() where migration_id = ?", user, migrationId);
    }

    void fallbackLoginCreated(String migrationId) {
        jdbc.update("update cutover_state set fallback_created = true, updated_at = now() where migration_id = ?", migrationId);
    }

    void fallbackDropped(String migrationId) {
        jdbc.update("update cutover_state set fallback_dropped = now(), updated_at = now() where migration_id = ?", migrationId);
    }

    /** Written before the change it describes; a change recorded earlier keeps its first value (what was there before). */
    void recordFence(String migrationId, FenceChange change) {
        jdbc.update("""
                insert into fence_change (migration_id, side, kind, name, previous) values (?, ?, ?, ?, ?)
                on conflict (migration_id, side, kind, name) do nothing""",
                migrationId, change.side(), change.kind(), change.name(), change.previous());
    }

    List<FenceChange> fenceChanges(String migrationId, String side) {
        return jdbc.query("select side, kind, name, previous from fence_change where migration_id = ? and side = ? "
                + "order by kind, name", (rs, i) -> new FenceChange(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4)), migrationId, side);
    }

    void fenceReleased(String migrationId, String side) {
        jdbc.update("delete from fence_change where migration_id = ? and side = ?", migrationId, side);
    }

    void forget(String migrationId) {
        jdbc.update("delete from fence_change where migration_id = ?", migrationId);
        jdbc.update("delete from cutover_state where migration_id = ?", migrationId);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
