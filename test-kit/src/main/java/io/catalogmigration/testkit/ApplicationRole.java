package io.catalogmigration.testkit;

import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A login role the way a catalog application has one: neither a superuser nor able to replicate, allowed to read and
 * write every table and sequence of the given databases, with its own password in a 0600 file. Fences and switch
 * checks are about such roles; an application that logs in as an administrator cannot be kept out by any fence.
 *
 * @param secretRef {@code file:} reference of the password
 */
public record ApplicationRole(String name, String password, String secretRef) {

    /** Creates the role on the cluster (as its superuser) and grants it the public schema of each database. */
    public static ApplicationRole create(PostgresCluster cluster, String name, String... databases) {
        String password = PostgresCluster.randomPassword();
        String role = PostgresCluster.quoteIdentifier(name);
        try (Connection superuser = cluster.connect("postgres"); Statement statement = superuser.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN");
            // The SCRAM verifier is computed here: the password itself never reaches the server or its log.
            superuser.unwrap(PGConnection.class).alterUserPassword(name, password.toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create role " + name + " on " + cluster + ": " + e.getMessage(), e);
        }
        for (String database : databases) {
            cluster.execute(database, "GRANT USAGE ON SCHEMA public TO " + role,
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
                    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        }
        try {
            var file = PostgresCluster.writeSecret(cluster.baseDirectory(), name + ".password", password);
            return new ApplicationRole(name, password, "file:" + file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the password file of role " + name, e);
        }
    }
}
