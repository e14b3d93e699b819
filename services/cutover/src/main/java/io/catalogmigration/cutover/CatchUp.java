package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.WalPosition;
import io.catalogmigration.common.run.MigrationProblem;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Waits until each database's subscription has confirmed (applied and flushed on the subscriber) the publisher's WAL
 * position taken after writes stopped: from then on the subscriber holds every committed write. Forwards at the
 * cutover (the source's slots, the target applying), backwards at a rollback (the target's fallback slots, the source
 * applying).
 */
record CatchUp(PgConnector connector) {

    /** Slots still behind the position when the wait ran out, or missing, each described with how far it is. */
    static final class Behind extends Exception {
        final String lsn;
        final List<String> slots;
        final boolean missing;

        Behind(String lsn, List<String> slots, boolean missing) {
            super(slots.toString());
            this.lsn = lsn;
            this.slots = slots;
            this.missing = missing;
        }
    }

    /** @return the source's WAL position the target reached */
    String await(PgEndpoint source, List<String> databases, Duration timeout) throws SQLException, MigrationProblem {
        String[] slots = databases.stream().map(d -> ReplicationNames.of(d).slot()).toArray(String[]::new);
        try (Connection admin = connector.connect(source)) {
            return awaitConfirmed(admin, slots, timeout);
        } catch (Behind behind) {
            if (behind.missing) {
                throw MigrationProblem.inPhase("WAIT_FOR_TARGET", "the source has no replication slot for " + behind.slots,
                        "the replication of that database was reset or never started: send StartReplication, wait for "
                                + "STOP_WAITING, then RunPreflight and StartCutover again");
            }
            throw MigrationProblem.inPhase("WAIT_FOR_TARGET", "the target did not apply the source's last writes (WAL " + behind.lsn
                    + ") within " + timeout.toSeconds() + " s: " + behind.slots,
                    "check the subscription workers on the target (pg_stat_subscription, the target's log); the "
                            + "source was released and the application keeps running on it; send StartCutover "
                            + "again once CheckReplication reports a small lag, or raise cutover.catch-up-timeout");
        }
    }

    /**
     * Reads the server's WAL position past its last commit (asynchronous ones too: {@link WalPosition}), then polls
     * (every 10 ms, server-side) until every slot's confirmed_flush_lsn has reached it.
     *
     * @return that position
     */
    static String awaitConfirmed(Connection admin, String[] slots, Duration timeout) throws SQLException, Behind {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lsn = WalPosition.committed(admin);
        while (true) {
            var behind = Sql.strings(admin, """
                    select s.name || ' (' || coalesce(pg_size_pretty(pg_wal_lsn_diff(?::pg_lsn, r.confirmed_flush_lsn)),
                           'no slot') || ' behind)'
                    from unnest(?::text[]) s(name) left join pg_replication_slots r on r.slot_name = s.name
                    where r.confirmed_flush_lsn is null or r.confirmed_flush_lsn < ?::pg_lsn""", lsn, slots, lsn);
            if (behind.isEmpty()) {
                return lsn;
            }
            var missing = behind.stream().filter(b -> b.endsWith("(no slot behind)")).toList();
            if (!missing.isEmpty()) {
                throw new Behind(lsn, missing, true);
            }
            if (System.nanoTime() > deadline) {
                throw new Behind(lsn, behind, false);
            }
            // The poll's pause is taken on the server, next to the slots it watches.
            Sql.strings(admin, "select pg_sleep(0.01)::text");
        }
    }
}
