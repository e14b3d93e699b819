package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretResolver;

import java.util.Map;

/**
 * The login of a client tool (pg_dump, psql, pg_basebackup, pg_restore) to an endpoint, as libpq's PG* environment
 * variables: no name becomes a command-line argument ({@code --dbname=} would take a whole connection string), and the
 * password is only in the child's environment. Whatever PG* variables this service has itself are removed first.
 */
public final class LibpqEnvironment {

    /**
     * Sets {@code environment} (a ProcessBuilder's) up for {@code endpoint}; throws SecretUnavailableException before
     * anything starts when a name is not acceptable or the secret is not for this host.
     */
    public static void apply(Map<String, String> environment, PgEndpoint endpoint, SecretResolver secrets, String applicationName) {
        PgConnector.location(endpoint);  // the same checks as a JDBC login
        boolean clearText = secrets.clearTextAllowed(endpoint.passwordRef(), endpoint.host());
        String password = secrets.resolve(endpoint.passwordRef(), endpoint.host());
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        environment.put("PGHOST", endpoint.host());
        environment.put("PGPORT", Integer.toString(endpoint.port()));
        environment.put("PGDATABASE", endpoint.database());
        environment.put("PGUSER", endpoint.user());
        environment.put("PGSSLMODE", endpoint.sslmode());
        environment.put("PGAPPNAME", applicationName);
        environment.put("PGCONNECT_TIMEOUT", "10");
        if (!clearText) {
            // libpq 16 and later refuse clear-text and md5 authentication with this; older ones ignore it.
            environment.put("PGREQUIREAUTH", PgConnector.NO_CLEAR_TEXT);
        }
        environment.put("PGPASSWORD", password);
    }

    private LibpqEnvironment() {
    }
}
