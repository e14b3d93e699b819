package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretResolver;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.postgresql.PGProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to the databases a command names. Host, port, database and user go to the driver as properties
 * and the URL is fixed, so no name can smuggle URL parameters ({@code rosemeta?sslmode=disable}); the password is
 * resolved only for a host its {@link io.catalogmigration.common.secret.SecretPolicy} rule names, and is sent only
 * by SCRAM unless that rule allows clear-text or md5 authentication.
 */
public class PgConnector {

    /** The whole URL: everything else is a property. */
    public static final String URL = "jdbc:postgresql://";
    /** pgjdbc's {@code requireAuth}: refuse the methods that hand the password (or its md5) to whoever asks. */
    public static final String NO_CLEAR_TEXT = "!password,!md5";

    private final SecretResolver secrets;
    private final String applicationName;

    public PgConnector(SecretResolver secrets, String applicationName) {
        this.secrets = secrets;
        this.applicationName = applicationName;
    }

    public Connection connect(PgEndpoint endpoint) throws SQLException {
        return DriverManager.getConnection(URL, properties(endpoint, secrets, applicationName));
    }

    /**
     * The driver properties of a login to {@code endpoint}: checked names, the sslmode, the authentication methods
     * allowed and the password. Throws {@link SecretUnavailableException} before anything is sent when a name is
     * not acceptable or the secret is not for this host.
     */
    public static Properties properties(PgEndpoint endpoint, SecretResolver secrets, String applicationName) {
        var props = new Properties();
        location(endpoint).forEach(props::put);
        PGProperty.USER.set(props, endpoint.user());
        PGProperty.SSL_MODE.set(props, endpoint.sslmode());
        if (!secrets.clearTextAllowed(endpoint.passwordRef(), endpoint.host())) {
            props.setProperty("requireAuth", NO_CLEAR_TEXT);
        }
        PGProperty.PASSWORD.set(props, secrets.resolve(endpoint.passwordRef(), endpoint.host()));
        PGProperty.APPLICATION_NAME.set(props, applicationName);
        PGProperty.CONNECT_TIMEOUT.set(props, 10);
        PGProperty.TCP_KEEP_ALIVE.set(props, true);
        PGProperty.REWRITE_BATCHED_INSERTS.set(props, true);
        return props;
    }

    /** Host, port and database as driver properties, after checking them: a name never becomes part of a URL. */
    public static Properties location(PgEndpoint endpoint) {
        String problem = PgEndpoint.hostProblem(endpoint.host());
        if (problem == null) problem = PgEndpoint.nameProblem("database", endpoint.database());
        if (problem == null) problem = PgEndpoint.nameProblem("user", endpoint.user());
        if (problem == null) problem = PgEndpoint.sslmodeProblem("sslmode", endpoint.sslmode());
        if (problem == null && (endpoint.port() < 1 || endpoint.port() > 65535)) problem = "port is not a TCP port";
        if (problem != null) {
            throw new SecretUnavailableException("endpoint refused before connecting: " + problem);
        }
        var props = new Properties();
        PGProperty.PG_HOST.set(props, endpoint.host());
        PGProperty.PG_PORT.set(props, endpoint.port());
        PGProperty.PG_DBNAME.set(props, endpoint.database());
        return props;
    }
}
