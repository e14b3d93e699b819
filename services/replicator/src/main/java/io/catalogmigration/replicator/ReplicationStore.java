package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.ReplicationNames;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The replicator's own tables in its schema of the control database: databases set up and their post-data steps. */
class ReplicationStore {

    record Step(int seq, String name, String kind, String sql, String state, String error) {

        boolean index() {
            return kind.equals("INDEX");
        }
    }

    private final JdbcTemplate jdbc;

    ReplicationStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void remember(String migrationId, String database, ReplicationNames names, UUID runId) {
        jdbc.update("""
                insert into replicated_database (migration_id, database, publication, slot, subscription, started_run)
                values (?, ?, ?, ?, ?, ?) on conflict (migration_id, database) do update set started_run = excluded.started_run""",
                migrationId, database, names.publication(), names.slot(), names.subscription(), runId);
    }

    /** The StartReplication run that set this database up last: a new one means a new target, verified anew. */
    Optional<UUID> startedRun(String migrationId, String database) {
        return jdbc.query("select started_run from replicated_database where migration_id = ? and database = ?",
                (rs, i) -> rs.getObject(1, UUID.class), migrationId, database).stream().findFirst();
    }

    void identityFull(String migrationId, String database, List<String> tables) {
        jdbc.update("""
                update replicated_database set identity_full = array(select distinct unnest(identity_full || ?::text[]))
                where migration_id = ? and database = ?""", tables.toArray(String[]::new), migrationId, database);
    }

    List<String> identityFull(String migrationId, String database) {
        return jdbc.query("select unnest(identity_full) from replicated_database where migration_id = ? and database = ?",
                (rs, i) -> rs.getString(1), migrationId, database);
    }

    /** Records the post-data steps once; a rerun of START keeps the first recording (and its progress). */
    boolean recordSteps(String migrationId, String database, List<DumpEntries.Entry> entries) {
        Integer existing = jdbc.queryForObject("select count(*) from post_data_step where migration_id = ? and database = ?",
                Integer.class, migrationId, database);
        if (existing != null && existing > 0) {
            return false;
        }
        int seq = 0;
        for (var e : entries) {
            jdbc.update("insert into post_data_step (migration_id, database, seq, name, kind, sql) values (?, ?, ?, ?, ?, ?)",
                    migrationId, database, seq++, e.name(), e.type(), e.sql());
        }
        return true;
    }

    List<Step> steps(String migrationId, String database) {
        return jdbc.query("select * from post_data_step where migration_id = ? and database = ? order by seq",
                (rs, i) -> new Step(rs.getInt("seq"), rs.getString("name"), rs.getString("kind"), rs.getString("sql"),
                        rs.getString("state"), rs.getString("error")), migrationId, database);
    }

    void stepDone(String migrationId, String database, int seq) {
        jdbc.update("update post_data_step set state = 'DONE', error = null, ts_updated = now() where migration_id = ? and database = ? and seq = ?",
                migrationId, database, seq);
    }

    void stepFailed(String migrationId, String database, int seq, String error) {
        jdbc.update("update post_data_step set state = 'FAILED', error = ?, ts_updated = now() where migration_id = ? and database = ? and seq = ?",
                error, migrationId, database, seq);
    }

    Optional<Boolean> known(String migrationId, String database) {
        return jdbc.query("select true from replicated_database where migration_id = ? and database = ?",
                (rs, i) -> true, migrationId, database).stream().findFirst();
    }

    void forget(String migrationId, String database) {
        jdbc.update("delete from post_data_step where migration_id = ? and database = ?", migrationId, database);
        jdbc.update("delete from replicated_database where migration_id = ? and database = ?", migrationId, database);
    }
}
