package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stops every writer of a server's databases. A read-only default alone is a request, not a fence: a session can
 * {@code SET default_transaction_read_only = off} or {@code BEGIN READ WRITE}. So the application's roles lose their
 * login ({@code NOLOGIN}) for the whole server, the databases start new sessions read-only, and every client session
 * on those databases and every session of those roles is ended, until a sweep finds none. What remains able to write is
 * the migration itself: superusers, the administrator running this, and the replication logins. Each change is recorded
 * before it is made, so releasing puts back exactly what was there, after an abort, a rollback or a restart.
 */
class WriteFence {

    /**
     * The roles kept from logging in and the sessions ended.
     *
     * @param skipped login roles the administrator may not alter (on 16+, roles it has no ADMIN OPTION on, e.g. a
     *                provider's own): not fenced, named so that an operator can look at them
     */
    record Fenced(List<String> roles, int sessionsEnded, List<String> skipped) {
    }

    private static final Logger log = LoggerFactory.getLogger(WriteFence.class);
    private static final long SWEEP_MILLIS = 10_000;

    private final PgConnector connector;
    private final CutoverStore store;
    private final List<String> configuredRoles;
    private final Set<String> serviceRoles;

    /**
     * @param configuredRoles cutover.fence-roles; empty: every login role that is not the migration's own
     * @param serviceRoles    the services' own logins (the control database's user), never fenced
     */
    WriteFence(PgConnector connector, CutoverStore store, List<String> configuredRoles, Set<String> serviceRoles) {
        this.connector = connector;
        this.store = store;
        this.configuredRoles = List.copyOf(configuredRoles);
        this.serviceRoles = Set.copyOf(serviceRoles);
    }

    /**
     * @param server an administrator of the server, on a database that is not fenced (its maintenance database)
     * @param slots  the migration's replication slots there: the roles streaming from them are the migration's own
     * @param own    further roles of the migration that keep their login (the login replicating back to the source)
     */
    Fenced fence(String migrationId, String side, PgEndpoint server, List<String> databases, Collection<String> slots,
                 Collection<String> own) throws SQLException {
        try (Connection admin = admin(server)) {
            List<String> skipped = new ArrayList<>();
            Set<String> roles = new TreeSet<>(roles(admin, slots, own, skipped));
            // A fence set up before (a rollback sent again) recorded its roles; they are NOLOGIN now, so not found above.
            store.fenceChanges(migrationId, side).stream().filter(c -> c.kind().equals(CutoverStore.FenceChange.LOGIN))
                    .forEach(c -> roles.add(c.name()));
            for (String database : databases) {
                String previous = Sql.one(admin, """
                        select substr(c, length('default_transaction_read_only=') + 1)
                        from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase, unnest(s.setconfig) c
                        where s.setrole = 0 and d.datname = ? and c like 'default\\_transaction\\_read\\_only=%'""", database);
                store.recordFence(migrationId, new CutoverStore.FenceChange(side, CutoverStore.FenceChange.READ_ONLY,
                        database, previous));
                Sql.execute(admin, "ALTER DATABASE " + SqlIdentifier.quote(database) + " SET default_transaction_read_only = on");
            }
            for (String role : roles) {
                if (Sql.exists(admin, "select 1 from pg_roles where rolname = ? and rolcanlogin", role)) {
                    store.recordFence(migrationId, new CutoverStore.FenceChange(side, CutoverStore.FenceChange.LOGIN, role, null));
                    Sql.execute(admin, "ALTER ROLE " + SqlIdentifier.quote(role) + " NOLOGIN");
                }
            }
            // Logins closed first, then the sessions ended: whoever tries again is refused.
            int ended = endSessions(admin, databases, roles);
            log.info("Writes stopped on {}: {} read-only, roles {} may not log in, {} session(s) ended",
                    server.host() + ":" + server.port(), databases, roles, ended);
            if (!skipped.isEmpty()) {
                log.warn("Login roles {} on {} were not fenced: the administrator may not alter them", skipped,
                        server.host() + ":" + server.port());
            }
            return new Fenced(List.copyOf(roles), ended, List.copyOf(skipped));
        }
    }

    /** Puts back what the fence of this side recorded, each change once; what could not be put back stays recorded. */
    void release(String migrationId, String side, PgEndpoint server) throws SQLException {
        List<String> failures = new ArrayList<>();
        List<String> released = new ArrayList<>();
        try (Connection admin = admin(server)) {
            for (var change : store.fenceChanges(migrationId, side)) {
                try {
                    if (change.kind().equals(CutoverStore.FenceChange.READ_ONLY)) {
                        releaseDatabase(admin, change);
                    } else if (Sql.exists(admin, "select 1 from pg_roles where rolname = ? and not rolcanlogin", change.name())) {
                        Sql.execute(admin, "ALTER ROLE " + SqlIdentifier.quote(change.name()) + " LOGIN");
                    }
                    released.add(change.kind() + " " + change.name());
                } catch (SQLException e) {
                    failures.add(change.kind() + " " + change.name() + ": " + PgErrors.serverMessage(e));
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new SQLException("the " + side + "'s fence could not be released entirely (" + String.join("; ", failures)
                    + "); released: " + released + "; what is left is recorded in cutover.fence_change");
        }
        store.fenceReleased(migrationId, side);
        log.info("Writes allowed again on {}: {}", server.host() + ":" + server.port(), released);
    }

    private static void releaseDatabase(Connection admin, CutoverStore.FenceChange change) throws SQLException {
        if (!Sql.exists(admin, "select 1 from pg_database where datname = ?", change.name())) {
            return;
        }
        String database = SqlIdentifier.quote(change.name());
        Sql.execute(admin, change.previous() == null ? "ALTER DATABASE " + database + " RESET default_transaction_read_only"
                : "ALTER DATABASE " + database + " SET default_transaction_read_only = " + Sql.literal(change.previous()));
    }

    /** The configured roles, or every login role but superusers, replication logins and the migration's own. */
    private List<String> roles(Connection admin, Collection<String> slots, Collection<String> own, List<String> skipped)
            throws SQLException {
        Set<String> mine = new LinkedHashSet<>(own);
        mine.addAll(serviceRoles);
        mine.addAll(Sql.strings(admin, """
                select distinct a.usename::text from pg_replication_slots s join pg_stat_activity a on a.pid = s.active_pid
                where s.slot_name = any(?) and a.usename is not null""", (Object) slots.toArray(String[]::new)));
        String[] excluded = mine.toArray(String[]::new);
        if (!configuredRoles.isEmpty()) {
            return Sql.strings(admin, "select rolname::text from pg_roles where rolname = any(?) and rolname <> current_user "
                    + "and rolname <> all(?) order by 1", configuredRoles.toArray(String[]::new), excluded);
        }
        // Since 16 a CREATEROLE administrator may alter only the roles it holds ADMIN OPTION on (those it created).
        String alterable = """
                (select rolsuper from pg_roles where rolname = current_user)
                or current_setting('server_version_num')::int < 160000
                or exists (select 1 from pg_auth_members m where m.roleid = r.oid and m.admin_option
                           and m.member = (select oid from pg_roles where rolname = current_user))""";
        List<String> roles = new ArrayList<>();
        try (var statement = admin.prepareStatement("select rolname::text, " + alterable + " from pg_roles r "
                + "where rolcanlogin and not rolsuper and not rolreplication and rolname <> current_user "
                + "and rolname <> all(?) and rolname !~ '^pg_' order by 1")) {
            statement.setObject(1, excluded);
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    (rs.getBoolean(2) ? roles : skipped).add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /**
     * Ends every client session on the databases and every session of the fenced roles, until a sweep finds none, and
     * once more after a short pause: a login that passed its check just before NOLOGIN shows up a moment later.
     */
    private static int endSessions(Connection admin, List<String> databases, Set<String> roles) throws SQLException {
        boolean waits = admin.getMetaData().getDatabaseMajorVersion() >= 14;
        Set<String> ended = new LinkedHashSet<>();
        long giveUp = System.nanoTime() + SWEEP_MILLIS * 1_000_000;
        int empty = 0;
        while (empty < 2) {
            var pids = Sql.strings(admin, """
                    select pid::text from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'
                    and (datname = any(?) or usename = any(?))""", databases.toArray(String[]::new), roles.toArray(String[]::new));
            if (pids.isEmpty()) {
                empty++;
                Sql.strings(admin, "select pg_sleep(0.05)::text");
                continue;
            }
            empty = 0;
            if (System.nanoTime() > giveUp) {
                throw new SQLException(pids.size() + " session(s) on " + databases + " could not be ended within "
                        + SWEEP_MILLIS / 1000 + " s (pids " + pids + "): end them by hand or check pg_signal_backend");
            }
            for (String pid : pids) {
                Sql.strings(admin, waits ? "select pg_terminate_backend(?::int, 5000)::text" : "select pg_terminate_backend(?::int)::text", pid);
                ended.add(pid);
            }
            if (!waits) {
                Sql.strings(admin, "select pg_sleep(0.02)::text");
            }
        }
        return ended.size();
    }

    private Connection admin(PgEndpoint server) throws SQLException {
        Connection connection = connector.connect(server);
        try {
            // ALTER DATABASE cannot run in a read-only transaction; this session is ours, whatever the defaults say.
            Sql.execute(connection, "SET default_transaction_read_only = off");
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }
}
