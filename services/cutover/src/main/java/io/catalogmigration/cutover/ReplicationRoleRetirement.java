package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

/**
 * At FinishCutover, the source's replication role (the login the target's subscriptions streamed with) stops being a
 * way in: its password is replaced by a random one nobody keeps (ROTATE), or the role is dropped (DROP), or it is left
 * as it was (KEEP). Not earlier: until FinishCutover a rollback can send the application back to the source, and
 * replicating again after it logs in as this role with its secret. The fallback's own login (on the target) is
 * FallbackLogin's business and untouched here.
 */
record ReplicationRoleRetirement(PgConnector connector) {

    private static final Logger log = LoggerFactory.getLogger(ReplicationRoleRetirement.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @return one note for the outcome: "replication role <name> on the source: rotated|dropped|kept ..." */
    String retire(PgEndpoint sourceAdmin, List<String> databases, String role, String after) {
        String prefix = "replication role " + role + " on the source: ";
        if (after.equals("KEEP")) {
            return prefix + "kept as it was (cutover.replication-role-after = keep); change its password or drop it "
                    + "once you no longer need it";
        }
        try (Connection admin = connector.connect(sourceAdmin)) {
            if (!Sql.exists(admin, "select 1 from pg_roles where rolname = ?", role)) {
                return prefix + "not found, nothing to " + after.toLowerCase(java.util.Locale.ROOT)
                        + " (cutover.replication-role names it)";
            }
            if (role.equals(sourceAdmin.user()) || Sql.exists(admin, "select 1 from pg_roles where rolname = ? and rolsuper", role)) {
                return prefix + "kept: it is a superuser or the administrator this service logs in as, not a role of "
                        + "the migration's own; set cutover.replication-role to the role PrepareSource created";
            }
            if (after.equals("DROP")) {
                try {
                    drop(sourceAdmin, databases, role);
                    endSessions(admin, role);
                    log.info("Replication role {} dropped on the source", role);
                    return prefix + "dropped";
                } catch (SQLException e) {
                    rotate(admin, role);
                    return prefix + "rotated instead of dropped (" + PgErrors.serverMessage(e) + "): drop it by hand "
                            + "once what it still owns or may use elsewhere is gone";
                }
            }
            rotate(admin, role);
            return prefix + "rotated: its password is now a random one nobody keeps, its sessions ended";
        } catch (SQLException e) {
            return prefix + "WARNING: left as it was, " + after.toLowerCase(java.util.Locale.ROOT) + " failed: "
                    + PgErrors.serverMessage(e) + "; change its password or drop it by hand";
        }
    }

    /** The SCRAM verifier is computed here: the new password never reaches the server or its log, and is then forgotten. */
    private static void rotate(Connection admin, String role) throws SQLException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
        try {
            admin.unwrap(PGConnection.class).alterUserPassword(role, password, "scram-sha-256");
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        endSessions(admin, role);
        log.info("Replication role {} on the source: password rotated to a random one nobody keeps", role);
    }

    private static void endSessions(Connection admin, String role) throws SQLException {
        Sql.strings(admin, "select pg_terminate_backend(pid)::text from pg_stat_activity where usename = ?", role);
    }

    /** What the role was granted in the migrated databases goes first; what it owns passes to the administrator. */
    private void drop(PgEndpoint sourceAdmin, List<String> databases, String role) throws SQLException {
        String quoted = SqlIdentifier.quote(role);
        for (String database : databases) {
            try (Connection db = connector.connect(sourceAdmin.withDatabase(database))) {
                // the finished cutover leaves the source's databases read-only (its fence): this session is the cutover's own
                Sql.execute(db, "SET default_transaction_read_only = off");
                Sql.execute(db, "REASSIGN OWNED BY " + quoted + " TO CURRENT_USER");
                Sql.execute(db, "DROP OWNED BY " + quoted);
            }
        }
        try (Connection admin = connector.connect(sourceAdmin)) {
            endSessions(admin, role);
            Sql.execute(admin, "DROP ROLE " + quoted);
        }
    }
}
