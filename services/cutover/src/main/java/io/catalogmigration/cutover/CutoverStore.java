package io.catalogmigration.cutover;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One row per migration in the cutover's schema of the control database: what the last cutover changed. */
class CutoverStore {

    static final String FENCED = "FENCED";
    static final String SUBSCRIPTIONS_DROPPED = "SUBSCRIPTIONS_DROPPED";
    static final String SWITCHED = "SWITCHED";
    static final String COMPLETED = "COMPLETED";
    static final String RELEASED = "RELEASED";
    static final String ROLLED_BACK = "ROLLED_BACK";

    record State(String migrationId, UUID runId, String stage, List<String> databases, boolean sourceFenced,
                 boolean targetFenced, String captured, Instant writesStopped, Instant switchedAt) {

        boolean switched() {
            return stage.equals(SWITCHED) || stage.equals(COMPLETED);
        }
    }

    private final JdbcTemplate jdbc;

    CutoverStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<State> find(String migrationId) {
        return jdbc.query("select * from cutover_state where migration_id = ?", (rs, i) -> new State(
                rs.getString("migration_id"), rs.getObject("run_id", UUID.class), rs.getString("stage"),
                Arrays.asList((String[]) rs.getArray("databases").getArray()), rs.getBoolean("source_fenced"),
                rs.getBoolean("target_fenced"), rs.getString("captured"), instant(rs.getTimestamp("writes_stopped")),
                instant(rs.getTimestamp("switched_at"))), migrationId).stream().findFirst();
    }

    /** Recorded before the first ALTER DATABASE, so a crash right after it still knows to release the source. */
    void fencing(String migrationId, UUID runId, List<String> databases, Instant at) {
        jdbc.update("""
                insert into cutover_state (migration_id, run_id, stage, databases, source_fenced, writes_stopped)
                values (?, ?, 'FENCED', ?, true, ?)
                on conflict (migration_id) do update set run_id = excluded.run_id, stage = 'FENCED',
                databases = excluded.databases, source_fenced = true, target_fenced = false, captured = null,
                writes_stopped = excluded.writes_stopped, switched_at = null, updated_at = now()""",
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

    void forget(String migrationId) {
        jdbc.update("delete from cutover_state where migration_id = ?", migrationId);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
