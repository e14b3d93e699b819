package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The replicator's own tables in its schema of the control database: databases set up and their post-data steps. */
record ReplicationStore(JdbcTemplate jdbc) {

    /** A privilege granted on the source by a START: {@code object} is the table, "" for a schema. */
    record SourceGrant(String grantee, String kind, String schema, String object, String privilege) {

        String on() {
            return kind.equals("SCHEMA") ? "SCHEMA " + SqlIdentifier.quote(schema)
                    : "TABLE " + SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(object);
        }

        String label() {
            return privilege + " on " + kind.toLowerCase(java.util.Locale.ROOT) + " " + schema
                    + (object.isEmpty() ? "" : "." + object) + " to " + grantee;
        }
    }

    record Step(int seq, String name, String kind, String sql, String state, String error) {

        boolean index() {
            return kind.equals("INDEX");
        }
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

    /** Recorded before the role is created: a crash in between leaves a row whose role RESET finds missing. */
    void roleCreated(String migrationId, String role, String database) {
        jdbc.update("insert into created_role (migration_id, role, database) values (?, ?, ?) on conflict do nothing",
                migrationId, role, database);
    }

    List<String> createdRoles(String migrationId) {
        return jdbc.queryForList("select role from created_role where migration_id = ? order by role", String.class, migrationId);
    }

    void forgetRole(String migrationId, String role) {
        jdbc.update("delete from created_role where migration_id = ? and role = ?", migrationId, role);
    }

    /** Recorded before the GRANT, so a crash after it still leaves the grant to take back. */
    void granted(String migrationId, String database, SourceGrant grant) {
        jdbc.update("""
                insert into source_grant (migration_id, database, grantee, kind, schema_name, object_name, privilege)
                values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing""", migrationId, database, grant.grantee(), grant.kind(),
                grant.schema(), grant.object(), grant.privilege());
    }

    List<SourceGrant> grants(String migrationId, String database) {
        return jdbc.query("""
                select grantee, kind, schema_name, object_name, privilege from source_grant
                where migration_id = ? and database = ? order by kind desc, schema_name, object_name""",
                (rs, i) -> new SourceGrant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                migrationId, database);
    }

    void forgetGrants(String migrationId, String database) {
        jdbc.update("delete from source_grant where migration_id = ? and database = ?", migrationId, database);
    }

    void forget(String migrationId, String database) {
        jdbc.update("delete from post_data_step where migration_id = ? and database = ?", migrationId, database);
        jdbc.update("delete from replicated_database where migration_id = ? and database = ?", migrationId, database);
    }
}
