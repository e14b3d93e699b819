package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The WAL position a subscriber must have applied to hold every transaction committed so far on a server, and the
 * guarantee that the server's WAL sender can reach it.
 * <p>
 * Not {@code pg_current_wal_lsn()}: that is how far the WAL has been <em>written out</em>, and a transaction committed
 * with {@code synchronous_commit = off} (a session's choice, or the server's) is visible before its commit record is
 * written. Waiting for the write position can end before such a write is applied: a check that compares too early, a
 * cutover that switches without it. The insert position is past every visible commit record, but WAL is only sent to
 * a subscriber once flushed, and records after the last commit (a page pruned by a read, a transaction still open) may
 * stay unflushed until a checkpoint: a wait for the insert position could then never end. So when the flush position
 * is behind, a transaction of our own (it takes an xid and writes nothing, so it works on a read-only source) commits
 * with {@code synchronous_commit = on}, which flushes every record before its commit. One more correction: when the
 * last record ended exactly at the end of a page, the insert position points past the next page's header, where no
 * record ever ends; the page's end is taken then.
 */
public final class WalPosition {

    /** Header of a WAL segment's first page, and of every other page (MAXALIGNed on 64-bit builds). */
    static final long LONG_HEADER = 40;
    static final long SHORT_HEADER = 24;

    /**
     * Where {@code connection}'s server has inserted its last record, flushed up to there; 13 to 18 alike, also for a
     * non-superuser and on a read-only database. The connection must be in auto-commit mode (a flush commits).
     */
    public static String committed(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new IllegalStateException("WalPosition needs a connection in auto-commit mode: flushing commits");
        }
        String[] row = Sql.one(connection, """
                select pg_current_wal_insert_lsn()::text || ' ' || pg_current_wal_flush_lsn()::text || ' '
                       || current_setting('wal_block_size') || ' '
                       || (select setting from pg_settings where name = 'wal_segment_size')""").split(" ");
        long position = committed(parse(row[0]), Long.parseLong(row[2]), Long.parseLong(row[3]));
        if (parse(row[1]) < position) {
            Transactions.inOne(connection, () -> {
                Sql.execute(connection, "SET LOCAL synchronous_commit = on");
                return Sql.one(connection, "select pg_current_xact_id()::text");
            });
        }
        return format(position);
    }

    /** The end of the last record before {@code insert}: {@code insert} itself unless a page header lies between. */
    static long committed(long insert, long blockSize, long segmentSize) {
        if (insert % segmentSize == LONG_HEADER) {
            return insert - LONG_HEADER;
        }
        if (insert % blockSize == SHORT_HEADER && insert % segmentSize >= blockSize) {
            return insert - SHORT_HEADER;
        }
        return insert;
    }

    /** {@code "16/B374D848"} as a number. */
    static long parse(String lsn) {
        int slash = lsn.indexOf('/');
        if (slash < 1 || slash == lsn.length() - 1) {
            throw new IllegalArgumentException("not a WAL position: " + lsn);
        }
        return (HexFormat.fromHexDigitsToLong(lsn.substring(0, slash)) << 32)
                | HexFormat.fromHexDigitsToLong(lsn.substring(slash + 1));
    }

    static String format(long lsn) {
        return (Long.toHexString(lsn >>> 32) + "/" + Long.toHexString(lsn & 0xFFFFFFFFL)).toUpperCase(Locale.ROOT);
    }

    private WalPosition() {
    }
}
