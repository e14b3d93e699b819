package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.ReplicationLogin;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The login the source's subscriptions use to stream from the target after the switch. It must be allowed to replicate
 * there: on RDS a member of rds_replication (the master user is one, and may grant it), elsewhere a role with the
 * REPLICATION attribute. A login that does not exist is created, as the replicator creates its replication user on the
 * source, with the password of its secret reference (its SCRAM verifier computed here).
 */
record FallbackLogin(PgConnector connector, SecretResolver secrets) {

    private static final Logger log = LoggerFactory.getLogger(FallbackLogin.class);
    private static final String CAN_REPLICATE = """
            select 1 from pg_roles r where r.rolname = ? and r.rolcanlogin and (r.rolreplication or r.rolsuper
            or exists (select 1 from pg_roles g where g.rolname = 'rds_replication' and pg_has_role(r.oid, g.oid, 'MEMBER')))""";

    /**
     * Creates the login if missing and lets it replicate: GRANT rds_replication where that role exists, the REPLICATION
     * attribute where the administrator may give it.
     *
     * @return true when the login was created here (it is dropped again when the fallback ends)
     */
    boolean ensure(PgEndpoint targetAdmin, PgEndpoint login, List<String> notes) throws SQLException {
        if (login.user().equals(targetAdmin.user())) {
            return false;
        }
        String role = SqlIdentifier.quote(login.user());
        boolean created = false;
        try (Connection admin = connector.connect(targetAdmin)) {
            if (!Sql.exists(admin, "select 1 from pg_roles where rolname = ?", login.user())) {
                Sql.execute(admin, "CREATE ROLE " + role + " LOGIN");
                admin.unwrap(PGConnection.class).alterUserPassword(login.user(), secrets.resolve(login.passwordRef(), login.host()).toCharArray(),
                        "scram-sha-256");
                created = true;
                log.info("Role {} created on the target to replicate back to the source", login.user());
            }
            if (Sql.exists(admin, "select 1 from pg_roles where rolname = 'rds_replication'")
                    && !Sql.exists(admin, "select 1 where pg_has_role(?, 'rds_replication', 'MEMBER')", login.user())) {
                try {
                    Sql.execute(admin, "GRANT rds_replication TO " + role);
                } catch (SQLException e) {
                    notes.add("rds_replication could not be granted to " + login.user() + ": " + PgErrors.serverMessage(e));
                }
            }
            if (Sql.exists(admin, "select 1 from pg_roles where rolname = current_user and (rolsuper or rolreplication)")
                    && !Sql.exists(admin, "select 1 from pg_roles where rolname = ? and rolreplication", login.user())) {
                Sql.execute(admin, "ALTER ROLE " + role + " REPLICATION");
            }
        }
        return created;
    }

    void dropCreated(PgEndpoint targetAdmin, String user) throws SQLException {
        try (Connection admin = connector.connect(targetAdmin)) {
            Sql.execute(admin, "DROP ROLE IF EXISTS " + SqlIdentifier.quote(user));
        }
    }

    /** Preflight: the target can publish and keep slots, the source can subscribe, the login can replicate. */
    CutoverCheck check(PgEndpoint source, PgEndpoint targetAdmin, PgEndpoint login, List<String> databases) {
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        try (Connection target = connector.connect(targetAdmin); Connection s = connector.connect(source)) {
            String walLevel = Sql.one(target, "show wal_level");
            if (!"logical".equals(walLevel)) {
                problems.add("the target's wal_level is " + walLevel + ", not logical: the target cannot publish the "
                        + "application's writes back (on RDS set rds.logical_replication = 1 in the parameter group and reboot)");
            }
            int free = Integer.parseInt(Sql.one(target, "select (current_setting('max_replication_slots')::int - "
                    + "(select count(*) from pg_replication_slots))::text"));
            if (free < databases.size()) {
                problems.add("the target has " + free + " free replication slot(s), " + databases.size() + " needed "
                        + "(max_replication_slots)");
            }
            if (!Sql.exists(s, "select 1 from pg_roles where rolname = current_user and rolsuper")
                    && !Sql.exists(s, "select 1 from pg_roles g where g.rolname = 'pg_create_subscription' "
                    + "and pg_has_role(current_user, g.oid, 'MEMBER')")) {
                problems.add("the source administrator " + source.user() + " may not create subscriptions (superuser, or "
                        + "pg_create_subscription on 16+)");
            }
            boolean exists = Sql.exists(target, "select 1 from pg_roles where rolname = ?", login.user());
            if (!exists) {
                if (Sql.exists(target, "select 1 from pg_roles where rolname = current_user and (rolsuper or rolcreaterole)")) {
                    facts.add("login " + login.user() + " will be created at the switch");
                } else {
                    problems.add("login " + login.user() + " does not exist on the target and " + targetAdmin.user()
                            + " may not create roles");
                }
            } else {
                if (!Sql.exists(target, CAN_REPLICATE, login.user())) {
                    facts.add("login " + login.user() + " will be given rds_replication or REPLICATION at the switch");
                }
                for (String database : databases) {
                    if (!Sql.exists(target, "select 1 from pg_database where datname = ?", database)) {
                        continue;
                    }
                    try {
                        facts.add(database + ": " + login.user() + " logs in for replication ("
                                + ReplicationLogin.identifySystem(login.withDatabase(database), secrets, "catalog-migration-cutover-preflight") + ")");
                    } catch (SQLException e) {
                        problems.add(database + ": " + login.user() + " cannot log in for replication: " + PgErrors.serverMessage(e)
                                + " (its password, pg_hba.conf for the source's address, rds_replication or REPLICATION)");
                    }
                }
            }
        } catch (SQLException e) {
            problems.add("a query failed: " + PgErrors.serverMessage(e));
        } catch (SecretUnavailableException e) {
            problems.add(e.getMessage());
        }
        return new CutoverCheck(null, "fallback", problems.isEmpty() ? CutoverCheck.OK : CutoverCheck.FAILED,
                problems.isEmpty() ? "the target can replicate the application's writes back to the source as "
                        + login.user() + (facts.isEmpty() ? "" : ": " + String.join("; ", facts)) : String.join("; ", problems));
    }
}
