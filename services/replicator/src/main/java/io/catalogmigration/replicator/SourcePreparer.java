package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.SourceCheck;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationLogin;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGConnection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PREPARE: checks the source's version, wal_level, max_replication_slots, max_wal_senders, listen_addresses and that
 * pg_hba.conf lets the target's replication user in with scram-sha-256; sets what it can with ALTER SYSTEM (never
 * listen_addresses: which interfaces the source opens is the operator's call) and says exactly what needs a restart
 * or an operator.
 */
record SourcePreparer(ReplicatorProperties settings, PgConnector connector, SecretResolver secrets) {

    SourcePrepared prepare(PrepareSource command) throws SQLException {
        if (command.databases().isEmpty() || command.replicationUser() == null || command.replicationPasswordRef() == null
                || command.targetAddress() == null) {
            throw new MigrationProblem("PrepareSource needs databases, targetAddress, replicationUser and replicationPasswordRef",
                    "complete the command and send it again with a new commandId; nothing was changed");
        }
        InetAddress target;
        try {
            target = InetAddress.getByName(command.targetAddress());
        } catch (UnknownHostException e) {
            throw new MigrationProblem("targetAddress " + command.targetAddress() + " does not resolve",
                    "give the IP address the target connects from; nothing was changed");
        }
        // Read before the first change on the source: a secret that is refused or missing leaves nothing behind (no
        // setting changed, no role created without its password).
        char[] replicationPassword = secrets.resolve(command.replicationPasswordRef(), command.source().host()).toCharArray();
        int needed = (command.plannedWorkers() == null ? command.databases().size() * 3 : command.plannedWorkers())
                + settings.workerHeadroom();
        List<SourceCheck> checks = new ArrayList<>();
        String version;
        try (Connection source = connector.connect(command.source())) {
            version = Sql.one(source, "show server_version");
            int number = Integer.parseInt(Sql.one(source, "show server_version_num"));
            checks.add(new SourceCheck("server_version", version, "10 or later", number >= 100000 ? SourceCheck.OK
                    : SourceCheck.ACTION_REQUIRED, number >= 100000 ? null : "upgrade the source to PostgreSQL 10 or later"));
            checks.add(setting(source, "wal_level", "logical", "logical"));
            checks.add(atLeast(source, "max_replication_slots", needed));
            checks.add(atLeast(source, "max_wal_senders", needed));
            checks.add(listen(source, target, command.source().host()));
            Sql.execute(source, "SELECT pg_reload_conf()");
            checks.add(replicationUser(source, command, replicationPassword));
            for (String database : command.databases()) {
                checks.add(HbaCheck.check(source, database, command.replicationUser(), target));
            }
            String self = Sql.one(source, "select coalesce(host(inet_client_addr()), 'local')");
            for (String database : command.databases()) {
                checks.add(replicationLogin(command, database, self));
            }
        }
        boolean restart = checks.stream().anyMatch(c -> c.status().equals(SourceCheck.RESTART_REQUIRED));
        boolean ready = checks.stream().allMatch(c -> c.status().equals(SourceCheck.OK) || c.status().equals(SourceCheck.CHANGED));
        return new SourcePrepared(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.source().describe(), version, ready, restart, checks);
    }

    /**
     * Logs in as the replication user over a replication connection ({@code replication=database}) and runs
     * IDENTIFY_SYSTEM: proves the user, its secret and pg_hba.conf let this service's host in for replication. The
     * target's own login is proven by the subscription START creates.
     */
    private SourceCheck replicationLogin(PrepareSource command, String database, String self) {
        String user = command.replicationUser();
        String name = "replication login " + database;
        String required = "IDENTIFY_SYSTEM as " + user + " over replication=database";
        try {
            var source = command.source();
            String system = ReplicationLogin.identifySystem(new PgEndpoint(source.host(), source.port(), database, user,
                    source.sslmode(), command.replicationPasswordRef()), secrets, "catalog-migration-replicator-prepare");
            return new SourceCheck(name, system, required, SourceCheck.OK, null);
        } catch (SQLException e) {
            String hba = "host " + database + " " + user + " " + (self.equals("local") ? "127.0.0.1/32" : self
                    + (self.contains(":") ? "/128" : "/32")) + " scram-sha-256";
            String remedy = "28P01".equals(e.getSQLState())
                    ? "the password of role " + user + " on the source is not the one in " + command.replicationPasswordRef()
                    + ": set it again (\\password " + user + " in psql, or drop the role and send PrepareSource again to "
                    + "create it), then send PrepareSource again"
                    : "add the line '" + hba + "' to the source's pg_hba.conf above any other line that matches (this "
                    + "service's host, for replication), reload (SELECT pg_reload_conf()), then send PrepareSource again";
            return new SourceCheck(name, "failed: " + PgErrors.describe(e), required, SourceCheck.ACTION_REQUIRED, remedy);
        }
    }

    private static SourceCheck setting(Connection source, String name, String required, String value) throws SQLException {
        String current = Sql.one(source, "select setting from pg_settings where name = ?", name);
        if (required.equals(current)) {
            return new SourceCheck(name, current, required, SourceCheck.OK, null);
        }
        Sql.execute(source, "ALTER SYSTEM SET " + name + " = " + Sql.literal(value));
        return new SourceCheck(name, current, required, SourceCheck.RESTART_REQUIRED,
                "set with ALTER SYSTEM; restart the source server (e.g. pg_ctl restart -m fast, or systemctl restart postgresql), "
                        + "then send PrepareSource again");
    }

    private static SourceCheck atLeast(Connection source, String name, int needed) throws SQLException {
        int current = Integer.parseInt(Sql.one(source, "select setting from pg_settings where name = ?", name));
        if (current >= needed) {
            return new SourceCheck(name, String.valueOf(current), ">= " + needed, SourceCheck.OK, null);
        }
        var check = setting(source, name, String.valueOf(needed), String.valueOf(needed));
        return new SourceCheck(name, String.valueOf(current), ">= " + needed, check.status(), check.remedy());
    }

    /**
     * Reported, never changed: opening the production source to every interface ('*') is the operator's decision, and
     * the address the target reaches is theirs to name.
     */
    private static SourceCheck listen(Connection source, InetAddress target, String sourceHost) throws SQLException {
        String current = Sql.one(source, "select setting from pg_settings where name = 'listen_addresses'");
        boolean local = current.equals("localhost") || current.startsWith("127.") || current.equals("::1");
        String required = "reachable from " + target.getHostAddress();
        if (!local || target.isLoopbackAddress()) {
            return new SourceCheck("listen_addresses", current, required, SourceCheck.OK, null);
        }
        return new SourceCheck("listen_addresses", current, required, SourceCheck.ACTION_REQUIRED,
                "the source listens on " + current + " only, so the target (" + target.getHostAddress() + ") cannot reach it: "
                        + "add the address of the source's interface that the target reaches (the one it knows the source by, "
                        + sourceHost + "), e.g. ALTER SYSTEM SET listen_addresses = '" + current + ",<that address>' (or "
                        + "listen_addresses in postgresql.conf), restart the source, then send PrepareSource again; "
                        + "nothing was changed for this check");
    }

    private SourceCheck replicationUser(Connection source, PrepareSource command, char[] password) throws SQLException {
        String user = command.replicationUser();
        String name = "role " + user;
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = ?", user)) {
            Sql.execute(source, "CREATE ROLE " + SqlIdentifier.quote(user) + " LOGIN REPLICATION");
            // The SCRAM verifier is computed here: the password never reaches the server or its log.
            source.unwrap(PGConnection.class).alterUserPassword(user, password, "scram-sha-256");
            return new SourceCheck(name, "missing", "LOGIN REPLICATION", SourceCheck.CHANGED, null);
        }
        if (!Sql.exists(source, "select 1 from pg_roles where rolname = ? and rolcanlogin and (rolreplication or rolsuper)", user)) {
            Sql.execute(source, "ALTER ROLE " + SqlIdentifier.quote(user) + " LOGIN REPLICATION");
            return new SourceCheck(name, "without LOGIN REPLICATION", "LOGIN REPLICATION", SourceCheck.CHANGED, null);
        }
        return new SourceCheck(name, "LOGIN REPLICATION", "LOGIN REPLICATION", SourceCheck.OK, null);
    }
}
