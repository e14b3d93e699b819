package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretResolver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens connections to the databases a command names. The password goes in connection properties, never a URL. */
public class PgConnector {

    private final SecretResolver secrets;
    private final String applicationName;

    public PgConnector(SecretResolver secrets, String applicationName) {
        this.secrets = secrets;
        this.applicationName = applicationName;
    }

    public Connection connect(PgEndpoint endpoint) throws SQLException {
        var props = new Properties();
        props.setProperty("user", endpoint.user());
        props.setProperty("password", secrets.resolve(endpoint.passwordRef()));
        props.setProperty("sslmode", endpoint.sslmode());
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(url(endpoint), props);
    }

    public static String url(PgEndpoint endpoint) {
        return "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
    }
}
