package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.pg.AdministratorRoles;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a START can look at before it changes anything: every secret reference, the source (wal_level, the
 * tables and their keys, its administrator's privileges, the replication user, its password, a free slot), the target
 * (its administrator's privileges, the roles it must act as, a database half made by someone else) and the schema to
 * apply (pg_dump only reads, once every other check passed). Everything found wrong is reported at once. A start that
 * fails here has changed nothing on either server: no role, no database, no replica identity, no grant, no
 * publication, no slot.
 */
record StartChecks(ReplicatorProperties settings, PgConnector connector, PgClients clients, SecretResolver secrets) {

    private static final Logger log = LoggerFactory.getLogger(StartChecks.class);
    static final String NOTHING_CHANGED = "nothing was changed";

    /**
     * What the checks read, for the steps that change things.
     *
     * @param keyless logged tables that need REPLICA IDENTITY FULL before they are published
     * @param owners  roles owning or granted the database's objects, which the target administrator acts as
     */
    record Checked(List<SourceTables.Table> tables, List<SourceTables.Table> keyless, List<String> owners, RoleSet roleSet,
                   DumpEntries pre, DumpEntries post, List<String> notes) {
    }

    Checked check(StartReplication command, ReplicationNames names) throws SQLException {
        references(command);
        var found = new Findings();
        String database = command.source().database();
        String replicationUser = command.replication().user();
        List<String> notes = new ArrayList<>();
        List<SourceTables.Table> tables;
        List<SourceTables.Table> keyless;
        List<String> owners;
        RoleSet roleSet;
        boolean replicationUserCarried;
        try (Connection source = connector.connect(command.source())) {
            String walLevel = Sql.one(source, "select setting from pg_settings where name = 'wal_level'");
            if (!"logical".equals(walLevel)) {
                found.add("the source's wal_level is " + walLevel + ", not logical",
                        "send PrepareSource, restart the source server as it says");
            }
            tables = new ArrayList<>(SourceTables.list(source));
            keyless = keyless(tables, found);
            tables.stream().filter(t -> !t.logged()).forEach(t -> notes.add("unlogged table " + t.label()
                    + " cannot be replicated: it is created empty on the target"));
            tables.removeIf(t -> !t.logged());
            owners = new ArrayList<>(SourceTables.roles(source));
            // The replication user is the migration's own: the SELECT and USAGE a START gives it to copy the tables
            // do not make it one of the application's roles on the target (and a START sent again would see them).
            replicationUserCarried = !owners.contains(replicationUser) || SourceTables.owns(source, replicationUser);
            if (!replicationUserCarried) {
                owners.remove(replicationUser);
            }
            roleSet = RoleSet.read(source, owners, new HashSet<>(List.of(command.source().user(), replicationUser,
                    command.target().user())));
            Set<String> denied = settings.denied();
            Sql.strings(source, "select extname from pg_extension order by 1").stream().filter(denied::contains)
                    .forEach(e -> notes.add("extension " + e + " is not available on the target: left out of the schema "
                            + "(replicator.denied-extensions); objects that depend on it are left out too"));
            sourceAdministrator(source, command, tables, found);
            if (replicationUser(source, replicationUser, found)) {
                replicationLogin(command, found);
            }
            freeSlot(source, names.slot(), found);
        }
        new TargetChecks(connector).check(command, names.subscription(), roleSet.roles(), owners, tables, found);
        found.failIfAny();
        var pre = DumpEntries.parse(clients.dumpSchemaSection(command.source(), "pre-data"));
        var post = DumpEntries.parse(clients.dumpSchemaSection(command.source(), "post-data"));
        if (!replicationUserCarried) {
            pre = pre.withoutGrantsTo(replicationUser);
        }
        log.info("StartReplication of {}: every check passed ({} tables, {} roles); changing the servers now", database,
                tables.size(), roleSet.roles().size());
        return new Checked(List.copyOf(tables), keyless, List.copyOf(owners), roleSet, pre, post, notes);
    }

    /** Every secret the start will use, resolved now: a missing one fails it before anything is made. */
    private void references(StartReplication command) {
        // each with the host it is sent to: a role's password is set on the target, the replication one on both
        Map<String, List<String>> refs = new LinkedHashMap<>();
        String target = command.target().host();
        refs.put("source.passwordRef", List.of(command.source().passwordRef(), command.source().host()));
        refs.put("target.passwordRef", List.of(command.target().passwordRef(), target));
        refs.put("replication.passwordRef", List.of(command.replication().passwordRef(), command.replication().host(), target));
        command.rolePasswordRefs().forEach((role, ref) -> refs.put("rolePasswordRefs." + role, List.of(ref, target)));
        List<String> unusable = new ArrayList<>();
        refs.forEach((field, refAndHosts) -> {
            try {
                String ref = refAndHosts.get(0);
                refAndHosts.subList(1, refAndHosts.size()).forEach(host -> secrets.permit(ref, host));
                secrets.resolve(ref, refAndHosts.get(1));
            } catch (SecretUnavailableException e) {
                unusable.add(field + ": " + e.getMessage());
            }
        });
        if (!unusable.isEmpty()) {
            throw problem("secret references that cannot be used: " + String.join("; ", unusable),
                    "make each secret available to the replicator (or correct the reference), then send StartReplication "
                            + "again with a new commandId");
        }
    }

    private List<SourceTables.Table> keyless(List<SourceTables.Table> tables, Findings found) {
        var keyless = tables.stream().filter(t -> t.logged() && t.needsIdentity()).toList();
        if (!keyless.isEmpty() && !settings.setIdentityFull()) {
            found.add("tables without a primary key or replica identity: " + keyless.stream().map(SourceTables.Table::label)
                            .toList() + "; their updates and deletes could not be replicated",
                    "add a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL (or set replicator.tables-without-key=FULL)");
        }
        return keyless;
    }

    /**
     * A superuser may do everything a START does on the source; another administrator needs REPLICATION (the slot),
     * CREATE on the database (the publication), the tables' ownership (publication, replica identity, grants) and
     * SELECT on them (the schema dump and the copy).
     */
    private static void sourceAdministrator(Connection source, StartReplication command, List<SourceTables.Table> tables,
                                            Findings found) throws SQLException {
        if (Sql.exists(source, "select 1 from pg_roles where rolname = current_user and rolsuper")) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = current_user and rolreplication")) {
            missing.add("the REPLICATION attribute (to create the replication slot)");
        }
        if (!Sql.exists(source, "select 1 where has_database_privilege(current_database(), 'CREATE')")) {
            missing.add("CREATE on database " + command.source().database() + " (to create the publication)");
        }
        String[] names = tables.stream().map(SourceTables.Table::qualified).toArray(String[]::new);
        try (var ps = source.prepareStatement("""
                select coalesce(string_agg(t.name, ', ') filter (where not pg_has_role(c.relowner, 'USAGE')), ''),
                       coalesce(string_agg(t.name, ', ') filter (where not has_table_privilege(c.oid, 'SELECT')), '')
                from unnest(?::text[]) t(name) join pg_class c on c.oid = t.name::regclass""")) {
            ps.setArray(1, source.createArrayOf("text", names));
            try (var rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getString(1).isEmpty()) {
                    missing.add("ownership (or membership in the owner) of " + rs.getString(1)
                            + " (to publish them, set their replica identity and grant them)");
                }
                if (!rs.getString(2).isEmpty()) {
                    missing.add("SELECT on " + rs.getString(2) + " (to dump and copy them)");
                }
            }
        }
        if (!missing.isEmpty()) {
            found.add("the source administrator " + command.source().user() + " is not a superuser and lacks "
                    + String.join("; ", missing), "give source a superuser (the runbook's postgres), or grant what is missing");
        }
    }

    /** @return whether the user is there to log in with */
    private static boolean replicationUser(Connection source, String user, Findings found) throws SQLException {
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = ? and rolcanlogin and (rolreplication or rolsuper)",
                user)) {
            found.add("the replication user " + user + " does not exist on the source, or lacks LOGIN or REPLICATION",
                    "send PrepareSource (it creates the user LOGIN REPLICATION with the password of its passwordRef)");
            return false;
        }
        return true;
    }

    private static void freeSlot(Connection source, String slot, Findings found) throws SQLException {
        if (Sql.exists(source, "select 1 from pg_replication_slots where slot_name = ?", slot)) {
            return;
        }
        String full = Sql.one(source, """
                select count(*) || ' of ' || current_setting('max_replication_slots') from pg_replication_slots
                having count(*) >= current_setting('max_replication_slots')::int""");
        if (full != null) {
            found.add("every replication slot of the source is in use (" + full + ")",
                    "drop a slot nobody uses (pg_replication_slots shows the inactive ones) or raise max_replication_slots "
                            + "(PrepareSource, then a restart of the source)");
        }
    }

    /**
     * Logs in as the replication user where the target will (its host and port): a refused password is certain to
     * fail the subscription, so it fails the start now. Not reaching that address from here proves nothing (the
     * replicator may sit elsewhere than the target, and pg_hba.conf may admit only the target): the subscription tries.
     */
    private void replicationLogin(StartReplication command, Findings found) {
        var replication = command.replication().withDatabase(command.source().database());
        try (Connection ignored = connector.connect(replication)) {
            log.info("The replication user {} logs in at {}", replication.user(), replication.host() + ":" + replication.port());
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState())) {
                found.add("the source refuses the password of the replication user " + replication.user() + " (from "
                                + command.replication().passwordRef() + "): " + PgErrors.describe(e),
                        "put the replication user's password in " + command.replication().passwordRef() + " (PrepareSource "
                                + "sets the user's password from its passwordRef)");
            }
            log.info("The replication login could not be tried from here ({}); the subscription tries it from the target",
                    PgErrors.describe(e));
        }
    }

    static MigrationProblem problem(String reason, String action) {
        return new MigrationProblem(reason, action + "; " + NOTHING_CHANGED);
    }

    /** What the checks found wrong, all of it: the operator mends everything at once, then sends the command again. */
    static final class Findings {

        private final List<String> reasons = new ArrayList<>();
        private final List<String> actions = new ArrayList<>();

        void add(String reason, String action) {
            reasons.add(reason);
            actions.add(action);
        }

        void failIfAny() {
            if (!reasons.isEmpty()) {
                throw problem(String.join("; ", reasons), String.join("; ", actions)
                        + "; then send StartReplication again with a new commandId");
            }
        }
    }

    /** The target's side: its administrator's privileges, the roles it must act as, what is there already. */
    private record TargetChecks(PgConnector connector) {

        void check(StartReplication command, String subscription, List<String> roles, List<String> owners,
                   List<SourceTables.Table> tables, Findings found) throws SQLException {
            String database = command.source().database();
            String admin = command.target().user();
            boolean databaseThere;
            try (Connection target = connector.connect(command.target())) {
                boolean superuser = Sql.exists(target, "select 1 from pg_roles where rolname = current_user and rolsuper");
                List<String> missing = new ArrayList<>();
                for (String role : roles) {
                    if (!Sql.exists(target, "select 1 from pg_roles where rolname = ?", role)) {
                        missing.add(role);
                    }
                }
                if (!missing.isEmpty() && !superuser
                        && !Sql.exists(target, "select 1 from pg_roles where rolname = current_user and rolcreaterole")) {
                    found.add("the target administrator " + admin + " may not create roles (CREATEROLE), and the target "
                                    + "lacks " + missing,
                            "ALTER ROLE " + admin + " CREATEROLE as a role that may (RDS's master user has it)");
                }
                databaseThere = Sql.exists(target, "select 1 from pg_database where datname = ?", database);
                if (!databaseThere && !superuser
                        && !Sql.exists(target, "select 1 from pg_roles where rolname = current_user and rolcreatedb")) {
                    found.add("the target administrator " + admin + " may not create the database " + database
                            + " (CREATEDB)", "ALTER ROLE " + admin + " CREATEDB as a role that may");
                }
                var refusal = AdministratorRoles.refusal(target, owners);
                if (refusal.isPresent()) {
                    found.add(refusal.get().getMessage() + " (the role owns or is granted objects of the source)",
                            "as a role holding ADMIN OPTION on it (on RDS the master user, for roles it created), run on the "
                                    + "target: " + refusal.get().grant());
                }
            }
            boolean subscribed = false;
            if (databaseThere) {
                try (Connection target = connector.connect(command.target().withDatabase(database))) {
                    long present = 0;
                    for (var table : tables) {
                        if (Sql.one(target, "select to_regclass(?)::text", table.qualified()) != null) {
                            present++;
                        }
                    }
                    if (present > 0 && present < tables.size()) {
                        found.add("the target database " + database + " has " + present + " of the " + tables.size()
                                        + " tables: it was not made by this replicator's schema step",
                                "send ResetReplication for this database");
                    }
                    subscribed = Sql.exists(target, """
                            select 1 from pg_subscription where subname = ?
                            and subdbid = (select oid from pg_database where datname = current_database())""", subscription);
                }
            }
            if (!subscribed) {
                try (Connection target = connector.connect(command.target())) {
                    if (!canSubscribe(target)) {
                        found.add("the target administrator " + admin + " may not create the subscription " + subscription,
                                "on the target, as the master user, GRANT pg_create_subscription TO " + admin + " (16+; "
                                        + "before 16 only a superuser, or on RDS a member of rds_superuser, may subscribe)");
                    }
                }
            }
        }

        private static boolean canSubscribe(Connection target) throws SQLException {
            if (Sql.exists(target, "select 1 from pg_roles where rolname = current_user and rolsuper")) {
                return true;
            }
            boolean sixteen = Integer.parseInt(Sql.one(target, "show server_version_num")) >= 160000;
            return sixteen && Sql.exists(target, "select 1 from pg_roles where rolname = 'pg_create_subscription' "
                    + "and pg_has_role(current_user, oid, 'USAGE')")
                    || Sql.exists(target, "select 1 from pg_roles where rolname = 'rds_superuser' "
                    + "and pg_has_role(current_user, oid, 'USAGE')");
        }
    }
}
