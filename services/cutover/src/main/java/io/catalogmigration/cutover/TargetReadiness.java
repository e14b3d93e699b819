package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.inventory.Inventory;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether the application can take up its work on the target, beyond the rows: every object the source has is there
 * (the inventory), or the operator accepted by name to leave it behind; and the application's role logs in there with
 * the secret the cutover will write and reads every table.
 */
record TargetReadiness(PgConnector connector) {

    /** What the command expects of the target: the losses accepted, the application's login (null: not tried). */
    record Expectations(List<String> acceptedLosses, String applicationUser, String applicationPasswordRef,
                        String applicationSslmode) {

        static Expectations of(CutoverCommand command) {
            if (command instanceof StartCutover s) {
                return new Expectations(s.acceptedLosses(), s.applicationUser(), s.applicationPasswordRef(),
                        s.applicationSslmode());
            }
            if (command instanceof RunPreflight p) {
                return new Expectations(p.acceptedLosses(), p.applicationUser(), p.applicationPasswordRef(), null);
            }
            return new Expectations(List.of(), null, null, null);
        }
    }

    /** The objects the target lacks that nobody accepted to lose; empty when the target has everything else. */
    List<Inventory.Loss> unacceptedLosses(PgEndpoint source, PgEndpoint target, List<String> accepted) throws SQLException {
        Inventory onSource;
        Inventory onTarget;
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            onSource = Inventory.take(s).withoutGrantsTo(replicationUsers(s));
            onTarget = Inventory.take(t);
        }
        return Inventory.unaccepted(onSource.lostOn(onTarget), accepted);
    }

    /**
     * The logins the migration's subscriptions stream with (read from the walsenders of its slots): the SELECT the
     * replicator granted them on the source is the migration's, not the application's, and is not copied.
     */
    private static List<String> replicationUsers(Connection source) throws SQLException {
        return Sql.strings(source, """
                select distinct a.usename::text from pg_replication_slots r join pg_stat_activity a on a.pid = r.active_pid
                where r.slot_name like 'migration\\_%' and r.database = current_database() and a.usename is not null
                order by 1""");
    }

    CutoverCheck inventory(PgEndpoint source, PgEndpoint target, Expectations expected) throws SQLException {
        String database = source.database();
        Inventory onSource;
        Inventory onTarget;
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            onSource = Inventory.take(s).withoutGrantsTo(replicationUsers(s));
            onTarget = Inventory.take(t);
        }
        var losses = onSource.lostOn(onTarget);
        var unaccepted = Inventory.unaccepted(losses, expected.acceptedLosses());
        String counts = onSource.countsByKind().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        if (!unaccepted.isEmpty()) {
            return new CutoverCheck(database, "inventory", CutoverCheck.FAILED, unaccepted.size() + " object(s) of the source "
                    + "would be lost: " + unaccepted.stream().limit(20).map(Inventory.Loss::describe).toList()
                    + (unaccepted.size() > 20 ? " and " + (unaccepted.size() - 20) + " more" : "")
                    + "; create them on the target, or accept leaving them behind by naming each in acceptedLosses "
                    + "(CLI: --accept-loss '" + unaccepted.get(0).item().key() + "')");
        }
        if (!losses.isEmpty()) {
            return new CutoverCheck(database, "inventory", CutoverCheck.WARNING, "every object of the source is on the target ("
                    + counts + ") but those accepted to be left behind: "
                    + losses.stream().map(Inventory.Loss::describe).toList());
        }
        return new CutoverCheck(database, "inventory", CutoverCheck.OK, "every object of the source is on the target: " + counts);
    }

    /**
     * Logs in to the target database as the application, with the secret reference the switch will write, and reads
     * a row of every relation it may read on the source (all of them when the role is not there): a role left
     * NOLOGIN, a wrong secret or a missing grant shows here, not after the switch.
     */
    CutoverCheck applicationLogin(PgEndpoint source, PgEndpoint target, Expectations expected) throws SQLException {
        String database = target.database();
        if (expected.applicationUser() == null || expected.applicationPasswordRef() == null) {
            return new CutoverCheck(database, "application-login", CutoverCheck.WARNING, "not tried: the command names no "
                    + "application user and secret reference (the cutover needs both and tries them)");
        }
        String user = expected.applicationUser();
        List<String> readable = new ArrayList<>();
        // A materialized view made WITH NO DATA cannot be read on either side until it is refreshed: its privilege is
        // what the application's login can be checked for.
        java.util.Set<String> unpopulated = new java.util.HashSet<>();
        try (Connection s = connector.connect(source)) {
            // One read of the catalog: each name comes with a mark, '-' for such a view, '+' for the rest.
            for (String marked : Sql.strings(s, """
                    select case when c.relkind = 'm' and not c.relispopulated then '-' else '+' end
                           || quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c
                    join pg_namespace n on n.oid = c.relnamespace
                    where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
                      and n.nspname !~ '^pg_'
                      and (not exists (select 1 from pg_roles where rolname = ?) or has_table_privilege(?, c.oid, 'SELECT'))
                    order by quote_ident(n.nspname) || '.' || quote_ident(c.relname)""", user, user)) {
                String name = marked.substring(1);
                readable.add(name);
                if (marked.charAt(0) == '-') {
                    unpopulated.add(name);
                }
            }
        }
        var as = new PgEndpoint(target.host(), target.port(), database, user,
                expected.applicationSslmode() == null ? target.sslmode() : expected.applicationSslmode(),
                expected.applicationPasswordRef());
        List<String> unreadable = new ArrayList<>();
        try (Connection app = connector.connect(as)) {
            Sql.execute(app, "SET statement_timeout = '10s'");
            for (String table : readable) {
                try {
                    // names come from the source's catalog, quoted there
                    if (unpopulated.contains(table)) {
                        if (!"true".equals(Sql.one(app, "select has_table_privilege(?::regclass, 'SELECT')::text", table))) {
                            unreadable.add(table + " (no SELECT privilege on this materialized view)");
                        }
                    } else {
                        Sql.strings(app, "select 1 from " + table + " limit 1");
                    }
                } catch (SQLException e) {
                    unreadable.add(table + " (" + PgErrors.serverMessage(e) + ")");
                }
            }
        } catch (SQLException e) {
            return new CutoverCheck(database, "application-login", CutoverCheck.FAILED, user + " cannot log in to " + database
                    + " on the target: " + PgErrors.serverMessage(e) + "; " + loginAction(target, user));
        }
        if (!unreadable.isEmpty()) {
            return new CutoverCheck(database, "application-login", CutoverCheck.FAILED, user + " logs in but cannot read "
                    + unreadable.size() + " of the " + readable.size() + " relations it reads on the source: "
                    + unreadable.stream().limit(5).toList() + "; grant them to " + SqlIdentifier.quote(user) + " as on the source");
        }
        return new CutoverCheck(database, "application-login", CutoverCheck.OK, user + " logs in with the secret the switch "
                + "will write and reads all " + readable.size() + " relations it reads on the source");
    }

    /** Why the login failed, read as the administrator: the role is missing, NOLOGIN, or the secret is not its password. */
    private String loginAction(PgEndpoint target, String user) {
        try (Connection admin = connector.connect(target)) {
            String canLogin = Sql.one(admin, "select rolcanlogin::text from pg_roles where rolname = ?", user);
            if (canLogin == null) {
                return "the role does not exist there: provision it (ProvisionTarget) or name the application's role";
            }
            if (canLogin.equals("false")) {
                return "the role is NOLOGIN there (StartReplication creates a role without a password reference NOLOGIN): "
                        + "send StartReplication again with rolePasswordRefs naming it, or as the administrator run "
                        + "ALTER ROLE " + SqlIdentifier.quote(user) + " LOGIN PASSWORD '...' with the secret of the reference";
            }
            return "the secret behind the application's reference is not that role's password on the target: set the role's "
                    + "password to it (ALTER ROLE " + SqlIdentifier.quote(user) + " PASSWORD '...'), or name the right reference";
        } catch (SQLException e) {
            return "check the role and its password on the target";
        }
    }
}
