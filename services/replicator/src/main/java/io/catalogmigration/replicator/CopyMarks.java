package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * What the target database itself records of a snapshot copy, in the migration's own schema (left out of every
 * inventory, dropped at the switch): the copy that may write into it now, and each chunk copied, committed in the same
 * transaction as the chunk's rows. So a chunk is copied exactly once however often its message is delivered (a worker
 * killed between its commit and the ledger's), and a worker of a copy that was superseded (its starter restarted the
 * copy under a new snapshot) can never add its rows after the tables were emptied for the new one.
 */
final class CopyMarks {

    private static final String RUN = "migration_verify.copy_run";
    private static final String CHUNK = "migration_verify.copied_chunk";

    /**
     * Makes {@code copyRun} the one copy that may write into the target, in the caller's transaction, before the
     * tables are emptied in it: the previous copy's row goes, and with it every chunk it recorded. A worker of that copy
     * in the middle of a chunk holds its row (see {@link #claim}), so this waits for it and the emptying follows.
     */
    static void takeOver(Connection target, UUID copyRun) throws SQLException {
        Sql.execute(target, "CREATE SCHEMA IF NOT EXISTS migration_verify");
        Sql.execute(target, "REVOKE ALL ON SCHEMA migration_verify FROM PUBLIC");
        Sql.execute(target, "CREATE TABLE IF NOT EXISTS " + RUN + " (run_id uuid primary key)");
        Sql.execute(target, "CREATE TABLE IF NOT EXISTS " + CHUNK + " (run_id uuid not null references " + RUN
                + " on delete cascade, seq int not null, item int not null, bytes bigint not null, instance text not null,"
                + " ts_copied timestamptz not null default now(), primary key (run_id, seq, item))");
        Sql.update(target, "delete from " + RUN + " where run_id <> ?", copyRun);
        Sql.update(target, "insert into " + RUN + " values (?) on conflict do nothing", copyRun);
    }

    /**
     * In the chunk's transaction, first: whether the copy may still write (it has not been superseded), holding its
     * row until the commit so that a takeover waits for this chunk.
     */
    static boolean claim(Connection target, UUID copyRun) throws SQLException {
        return Sql.exists(target, "select 1 from " + RUN + " where run_id = ? for key share", copyRun);
    }

    static boolean copied(Connection target, UUID copyRun, int seq, int item) throws SQLException {
        return Sql.exists(target, "select 1 from " + CHUNK + " where run_id = ? and seq = ? and item = ?", copyRun, seq, item);
    }

    /** In the chunk's transaction, after its rows. */
    static void record(Connection target, UUID copyRun, int seq, int item, long bytes, String instance) throws SQLException {
        Sql.update(target, "insert into " + CHUNK + " (run_id, seq, item, bytes, instance) values (?, ?, ?, ?, ?)",
                copyRun, seq, item, bytes, instance);
    }

    /** Chunks copied by each instance ("instance=count"): how the copy spread over the consumer group. */
    static List<String> byInstance(Connection target, UUID copyRun) throws SQLException {
        return Sql.strings(target, "select instance || '=' || count(*) from " + CHUNK + " where run_id = ?"
                + " group by instance order by instance", copyRun);
    }

    private CopyMarks() {
    }
}
