package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The one rule by which a role or database on a PostgreSQL server is known as a migration's: its comment names the
 * migration, {@code catalog-migration migration-id=<id>} (the AWS resources carry the same two facts as the tags
 * {@code managed-by} and {@code migration-id}). Whichever service creates such an object marks it; the next run of the
 * same migration, in any service, adopts what carries its mark, and leaves everything else as it found it.
 */
public final class MigrationMarker {

    public static final String MANAGED_BY = "catalog-migration";
    public static final String KEY = "migration-id";

    /** The comment that marks an object as this migration's. */
    public static String of(String migrationId) {
        return MANAGED_BY + " " + KEY + "=" + migrationId;
    }

    public static boolean marks(String comment, String migrationId) {
        return of(migrationId).equals(comment);
    }

    /** The role's comment ("" when it has none), or empty when there is no such role. */
    public static Optional<String> roleComment(Connection connection, String role) throws SQLException {
        try (var ps = connection.prepareStatement("select coalesce(shobj_description(oid, 'pg_authid'), '') from pg_roles "
                + "where rolname = ?")) {
            ps.setString(1, role);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Roles of the cluster that carry this migration's mark. */
    public static List<String> markedRoles(Connection connection, String migrationId) throws SQLException {
        return Sql.strings(connection, "select rolname from pg_roles where shobj_description(oid, 'pg_authid') = ? order by 1",
                of(migrationId));
    }

    public static void markRole(Connection connection, String role, String migrationId) throws SQLException {
        Sql.execute(connection, "COMMENT ON ROLE " + SqlIdentifier.quote(role) + " IS " + literal(of(migrationId)));
    }

    /** COMMENT cannot bind parameters: an escape-string literal, whatever standard_conforming_strings says. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL string cannot contain NUL");
        }
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private MigrationMarker() {
    }
}
