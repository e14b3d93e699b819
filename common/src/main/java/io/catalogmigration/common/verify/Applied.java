package io.catalogmigration.common.verify;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.WalPosition;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the source's WAL is, and waiting until the target has applied it. Two signs, whichever comes first: the
 * subscription's replication origin on the target (the source position of the last transaction it applied, updated at
 * every commit: quick while the source is busy) and the slot on the source (its confirmed position, which the
 * subscriber advances with its feedback: the only sign while the source is idle). The origin needs the right to read
 * {@code pg_replication_origin_status}; without it the slot alone is used.
 */
public final class Applied {

    private final Connection source;
    private final Connection target;
    private final String slot;
    private final String subscription;
    private final Duration timeout;
    private boolean originReadable = true;

    public Applied(Connection source, Connection target, String slot, String subscription, Duration timeout) {
        this.source = source;
        this.target = target;
        this.slot = slot;
        this.subscription = subscription;
        this.timeout = timeout;
    }

    /** For one database: its slot on the source and its subscription on the target, by the replicator's names. */
    public static Applied of(Connection source, Connection target, String database, Duration timeout) {
        var names = io.catalogmigration.common.pg.ReplicationNames.of(database);
        return new Applied(source, target, names.slot(), names.subscription(), timeout);
    }

    /** Past every transaction the source has committed so far, those committed asynchronously too ({@link WalPosition}). */
    public String sourcePosition() throws SQLException {
        return WalPosition.committed(source);
    }

    /** @return false when the target has not applied {@code lsn} within the timeout (it is lagging: try later) */
    public boolean await(String lsn) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (originReached(lsn)) {
                return true;
            }
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
            Sql.one(source, "select pg_sleep(0.01)::text");
        }
    }

    private boolean originReached(String lsn) throws SQLException {
        if (!originReadable) {
            return false;
        }
        try {
            return "true".equals(Sql.one(target, """
                    select (s.remote_lsn >= ?::pg_lsn)::text from pg_replication_origin_status s
                    join pg_subscription sub on s.external_id = 'pg_' || sub.oid where sub.subname = ?
                    and sub.subdbid = (select oid from pg_database where datname = current_database())""", lsn, subscription));
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            originReadable = false;
            return false;
        }
    }
}
