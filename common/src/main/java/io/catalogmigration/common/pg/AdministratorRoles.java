package io.catalogmigration.common.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/**
 * Lets a target administrator that is not a superuser (RDS's master user) act as the roles that own what it creates
 * for them. Giving an object to a role (ALTER ... OWNER TO, CREATE DATABASE ... OWNER) and a subscription's apply
 * worker switching to a table's owner both need the administrator to be able to SET ROLE to that role. Since
 * PostgreSQL 16 a CREATEROLE administrator is not a member of the roles it creates, only their admin, so it grants
 * them to itself (WITH INHERIT, SET), as RDS's master user has to; before 16 CREATEROLE lets it grant any
 * non-superuser role.
 */
public final class AdministratorRoles {

    private static final Logger log = LoggerFactory.getLogger(AdministratorRoles.class);

    /** The administrator may not be given a role: the statement that someone allowed to must run, and why. */
    public static final class NotGrantable extends SQLException {

        private final String grant;

        NotGrantable(String admin, String role, String grant, SQLException cause) {
            super("the target administrator " + admin + " cannot act as role " + role + ": "
                    + PgErrors.serverMessage(cause), "42501", cause);
            this.grant = grant;
        }

        NotGrantable(String admin, String role, String grant, String why) {
            super("the target administrator " + admin + " cannot act as role " + role + ": " + why, "42501");
            this.grant = grant;
        }

        /** The GRANT that a role holding ADMIN OPTION on the role must run on the target. */
        public String grant() {
            return grant;
        }
    }

    /** Makes the connection's user able to SET ROLE to, and use the privileges of, each role; a superuser already is. */
    public static void assume(Connection connection, Collection<String> roles) throws SQLException {
        if (Sql.exists(connection, "select 1 from pg_roles where rolname = current_user and rolsuper")) {
            return;
        }
        String admin = Sql.one(connection, "select current_user::text");
        boolean sixteen = Integer.parseInt(Sql.one(connection, "show server_version_num")) >= 160000;
        // before 16 membership alone allows SET ROLE; the privilege type 'SET' does not exist there
        String can = "select 1 where pg_has_role(current_user, ?, 'USAGE') and pg_has_role(current_user, ?, "
                + (sixteen ? "'SET')" : "'MEMBER')");
        for (String role : roles) {
            if (role.equals(admin) || Sql.exists(connection, can, role, role)) {
                continue;
            }
            String grant = "GRANT " + SqlIdentifier.quote(role) + " TO " + SqlIdentifier.quote(admin)
                    + (sixteen ? " WITH INHERIT TRUE, SET TRUE" : "");
            try {
                Sql.execute(connection, grant);
                log.info("Role {} granted to the target administrator {}, which creates objects for it", role, admin);
            } catch (SQLException e) {
                throw new NotGrantable(admin, role, grant, e);
            }
        }
    }

    /**
     * What {@link #assume} would refuse, found by reading only: the first existing role the connection's user can
     * neither act as already nor grant itself. A command asks this before it changes anything; roles that do not
     * exist yet are left out (the administrator that creates them may give them to itself).
     */
    public static Optional<NotGrantable> refusal(Connection connection, Collection<String> roles) throws SQLException {
        if (Sql.exists(connection, "select 1 from pg_roles where rolname = current_user and rolsuper")) {
            return Optional.empty();
        }
        String admin = Sql.one(connection, "select current_user::text");
        boolean sixteen = Integer.parseInt(Sql.one(connection, "show server_version_num")) >= 160000;
        String can = "select 1 where pg_has_role(current_user, ?, 'USAGE') and pg_has_role(current_user, ?, "
                + (sixteen ? "'SET')" : "'MEMBER')");
        // before 16 CREATEROLE may grant any role but a superuser; from 16 on only ADMIN OPTION lets it
        String grantable = "select 1 from pg_roles r, pg_roles me where r.rolname = ? and me.rolname = current_user "
                + "and (pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION')"
                + (sixteen ? ")" : " or (me.rolcreaterole and not r.rolsuper))");
        for (String role : roles) {
            if (role.equals(admin) || !Sql.exists(connection, "select 1 from pg_roles where rolname = ?", role)
                    || Sql.exists(connection, can, role, role) || Sql.exists(connection, grantable, role)) {
                continue;
            }
            String grant = "GRANT " + SqlIdentifier.quote(role) + " TO " + SqlIdentifier.quote(admin)
                    + (sixteen ? " WITH INHERIT TRUE, SET TRUE" : "");
            return Optional.of(new NotGrantable(admin, role, grant, "it holds no ADMIN OPTION on that role, which "
                    + "someone else created, and may not grant it to itself"));
        }
        return Optional.empty();
    }

    private AdministratorRoles() {
    }
}
