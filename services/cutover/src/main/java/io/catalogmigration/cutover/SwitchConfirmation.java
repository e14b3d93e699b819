package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.ApplicationSessions;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runbook's last check, "confirm that the application is using the RDS instance": after the application was
 * started, its sessions are counted on both servers until it has some on the target and none on the source, or the
 * wait runs out. A switch whose application cannot log in on the target then says so instead of passing silently.
 */
record SwitchConfirmation(PgConnector connector) {

    /**
     * @param user        the application's role on the target
     * @param sourceRoles the roles whose sessions count on the source: the application's and the fenced ones
     */
    ApplicationSessions await(PgEndpoint source, PgEndpoint target, List<String> databases, String user,
                              Collection<String> sourceRoles, Duration timeout) throws SQLException {
        Set<String> onSourceRoles = new TreeSet<>(sourceRoles);
        onSourceRoles.add(user);
        String[] names = databases.toArray(String[]::new);
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            while (true) {
                int onTarget = count(t, names, new String[]{user});
                int onSource = count(s, names, onSourceRoles.toArray(String[]::new));
                boolean confirmed = onTarget > 0 && onSource == 0;
                if (confirmed || System.nanoTime() > deadline) {
                    return new ApplicationSessions(user, onTarget, onSource, confirmed, (System.nanoTime() - started) / 1_000_000);
                }
                Sql.strings(t, "select pg_sleep(0.2)::text");
            }
        }
    }

    private static int count(Connection connection, String[] databases, String[] roles) throws SQLException {
        return Integer.parseInt(Sql.one(connection, "select count(*)::text from pg_stat_activity where backend_type = "
                + "'client backend' and datname = any(?) and usename = any(?)", databases, roles));
    }
}
