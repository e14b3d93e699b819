package io.catalogmigration.common.active;

import io.catalogmigration.common.pg.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.zip.CRC32;

/**
 * A dedicated session on the control database that holds (or tries for) the service's advisory lock. Session-level:
 * the lock goes with the session, whether the service stops, crashes or its host vanishes. The two-key form
 * {@code pg_try_advisory_lock(classid, objid)} keeps the keys readable in {@code pg_locks}: the class is fixed for the
 * project, the object is the service's name, so services sharing a control database never wait for each other, and
 * every instance of one service competes for the same lock.
 */
final class LockSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockSession.class);

    /** "CMIG" as an int: the project's class of advisory locks. */
    static final int LOCK_CLASS = 0x434D4947;

    /** Opens a new session on the control database (not one of the pool's: it is kept for the instance's life). */
    interface Opener {
        LockSession open() throws SQLException;
    }

    private final Connection connection;
    private final int key;
    private boolean held;

    LockSession(Connection connection, String service) throws SQLException {
        this.connection = connection;
        this.key = key(service);
        connection.setAutoCommit(true);
        // A dead host's session ends in about 10 + 3 x 5 s instead of the operating system's two hours, and a
        // standby takes over. Settable by any role; ignored over a Unix socket.
        for (String setting : new String[]{"tcp_keepalives_idle = 10", "tcp_keepalives_interval = 5",
                "tcp_keepalives_count = 3", "idle_in_transaction_session_timeout = 0"}) {
            try {
                Sql.execute(connection, "set " + setting);
            } catch (SQLException e) {
                log.debug("set {} on the lock session: {}", setting, e.getMessage());
            }
        }
    }

    /** The service's lock id: positive, so it reads the same in pg_locks (an oid) as here. */
    static int key(String service) {
        var crc = new CRC32();
        crc.update(service.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() & 0x7fffffff);
    }

    boolean tryLock() throws SQLException {
        if (!held) {
            try (var ps = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, LOCK_CLASS);
                ps.setInt(2, key);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    held = rs.getBoolean(1);
                }
            }
        }
        return held;
    }

    /** Who holds the lock, as far as pg_stat_activity tells (the same role sees its own sessions). */
    String holder() throws SQLException {
        try (var ps = connection.prepareStatement("""
                select coalesce(nullif(a.application_name, ''), 'a session') || ' (pid ' || a.pid || ' on the control database, '
                       || coalesce(host(a.client_addr), 'local') || ', since ' || date_trunc('second', a.backend_start) || ')'
                from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2 and l.granted""")) {
            ps.setLong(1, LOCK_CLASS);
            ps.setLong(2, key);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "a session that has just let go of it";
            }
        }
    }

    /** Fails when the session is gone, and with it the lock. */
    void ping() throws SQLException {
        if (!connection.isValid(5)) {
            throw new SQLException("the session does not answer");
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the lock session: {}", e.getMessage());
        }
    }
}
