package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Lets a target administrator that is not a superuser (RDS's master user) act as the roles owning the copied
 * objects. The schema gives each object to its owner (ALTER ... OWNER TO, CREATE DATABASE ... OWNER) and the
 * subscription's apply worker switches to each table's owner: both need the administrator to be able to SET ROLE to
 * it. Since PostgreSQL 16 a CREATEROLE administrator is not a member of the roles it creates, only their admin, so it
 * grants them to itself, as RDS's documentation tells its master user to.
 */
final class TargetAdministrator {

    private static final Logger log = LoggerFactory.getLogger(TargetAdministrator.class);

    private TargetAdministrator() {
    }

    static void actAs(Connection target, List<String> roles) throws SQLException {
        if (Sql.exists(target, "select 1 from pg_roles where rolname = current_user and rolsuper")) {
            return;
        }
        String admin = Sql.one(target, "select current_user::text");
        boolean sixteen = Integer.parseInt(Sql.one(target, "show server_version_num")) >= 160000;
        // before 16 membership alone lets a role SET ROLE; the privilege type 'SET' does not exist there
        String can = "select 1 where pg_has_role(current_user, ?, 'USAGE') and pg_has_role(current_user, ?, "
                + (sixteen ? "'SET')" : "'MEMBER')");
        for (String role : roles) {
            if (role.equals(admin) || Sql.exists(target, can, role, role)) {
                continue;
            }
            String grant = "GRANT " + SqlIdentifier.quote(role) + " TO " + SqlIdentifier.quote(admin)
                    + (sixteen ? " WITH INHERIT TRUE, SET TRUE" : "");
            try {
                Sql.execute(target, grant);
                log.info("Role {} granted to the target administrator {} (it owns objects being copied)", role, admin);
            } catch (SQLException e) {
                throw new ReplicationProblem("the target administrator " + admin + " cannot act as role " + role
                        + ", which owns or is granted objects of the source: " + SqlErrors.message(e),
                        "as a role holding ADMIN OPTION on " + role + " (on RDS the master user, for roles it created; a "
                                + role + " that is a superuser or rds_superuser cannot own the copied objects: give them "
                                + "to another role on the source), run on the target: " + grant
                                + "; then send StartReplication again");
            }
        }
    }
}
