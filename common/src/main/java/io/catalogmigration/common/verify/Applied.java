package io.catalogmigration.common.verify;

import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the source's WAL is, and waiting until the target has applied it: read on the source, from the migration's
 * slot, whose confirmed position the subscriber advances once it has applied and flushed.
 */
public final class Applied {

    private final Connection source;
    private final String slot;
    private final Duration timeout;

    public Applied(Connection source, String slot, Duration timeout) {
        this.source = source;
        this.slot = slot;
        this.timeout = timeout;
    }

    public String sourcePosition() throws SQLException {
        return Sql.one(source, "select pg_current_wal_lsn()::text");
    }

    /** @return false when the target has not applied {@code lsn} within the timeout (it is lagging: try later) */
    public boolean await(String lsn) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String reached = Sql.one(source, "select (confirmed_flush_lsn >= ?::pg_lsn)::text from pg_replication_slots "
                    + "where slot_name = ?", lsn, slot);
            if (reached == null) {
                throw new SQLException("the source has no replication slot " + slot + " (replication was reset)", "55000");
            }
            if (reached.equals("true")) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            // The pause is taken on the server, next to the slot it watches.
            Sql.one(source, "select pg_sleep(0.02)::text");
        }
    }
}
