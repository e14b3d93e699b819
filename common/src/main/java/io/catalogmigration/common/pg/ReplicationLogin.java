package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * A subscription's login to its publisher: the connection string it stores, the proof that the login may replicate,
 * and keeping the statement that carries the password out of the server's log. Used for the replication to the target
 * (the replicator) and back to the source after a switch (the cutover).
 */
public final class ReplicationLogin {

    private static final Logger log = LoggerFactory.getLogger(ReplicationLogin.class);

    /**
     * The CONNECTION of a CREATE SUBSCRIPTION to {@code publisher} (its database is the one published), run on
     * {@code subscriber}: the password must be bound to both hosts (it is stored on the one and sent to the other), and
     * unless the operator allowed clear text for the publisher a subscriber of 16 or later refuses clear-text and md5
     * authentication (require_auth; older servers do not know the option).
     */
    public static String conninfo(PgEndpoint publisher, SecretResolver secrets, PgEndpoint subscriberEndpoint,
                                  Connection subscriber, String applicationName) throws SQLException {
        PgConnector.location(publisher);
        secrets.permit(publisher.passwordRef(), subscriberEndpoint.host());
        boolean clearText = secrets.clearTextAllowed(publisher.passwordRef(), publisher.host());
        boolean requireAuth = !clearText && subscriber.getMetaData().getDatabaseMajorVersion() >= 16;
        return "host=" + value(publisher.host()) + " port=" + publisher.port() + " dbname=" + value(publisher.database())
                + " user=" + value(publisher.user()) + " password=" + value(secrets.resolve(publisher.passwordRef(), publisher.host()))
                + " sslmode=" + value(publisher.sslmode()) + " application_name=" + value(applicationName)
                + (requireAuth ? " require_auth=" + value(PgConnector.NO_CLEAR_TEXT) : "");
    }

    /**
     * Logs in over a replication connection ({@code replication=database}) and runs IDENTIFY_SYSTEM: proves that the
     * login, its password and pg_hba.conf let this host in for logical replication of the endpoint's database.
     *
     * @return "system &lt;id&gt;, timeline &lt;n&gt;"
     */
    public static String identifySystem(PgEndpoint endpoint, SecretResolver secrets, String applicationName) throws SQLException {
        Properties props = PgConnector.properties(endpoint, secrets, applicationName);
        PGProperty.REWRITE_BATCHED_INSERTS.set(props, false);
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        try (Connection replication = DriverManager.getConnection(PgConnector.URL, props);
             var statement = replication.createStatement();
             var rs = statement.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return "system " + rs.getString(1) + ", timeline " + rs.getString(2);
        }
    }

    /** Keeps the statement carrying the connection string out of the server's log, where the session may. */
    public static void quietLogging(Connection connection) {
        for (String setting : List.of("SET log_statement = 'none'", "SET log_min_error_statement = 'panic'")) {
            try {
                Sql.execute(connection, setting);
            } catch (SQLException e) {
                log.debug("cannot {}: {}", setting, PgErrors.serverMessage(e));
            }
        }
    }

    private static String value(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private ReplicationLogin() {
    }
}
