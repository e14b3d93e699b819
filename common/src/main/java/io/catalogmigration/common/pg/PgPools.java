package io.catalogmigration.common.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.secret.SecretResolver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small connection pools for the databases commands name, one per endpoint, for workers that write many batches:
 * a SCRAM login per batch would cost more than the batch. The secret is resolved when a pool is made.
 */
public class PgPools implements AutoCloseable {

    private final SecretResolver secrets;
    private final String applicationName;
    private final int maximumSize;
    private final Map<PgEndpoint, HikariDataSource> pools = new ConcurrentHashMap<>();

    public PgPools(SecretResolver secrets, String applicationName, int maximumSize) {
        this.secrets = secrets;
        this.applicationName = applicationName;
        this.maximumSize = maximumSize;
    }

    /** Throws SecretUnavailableException, before any connection, when the endpoint's secret is not for its host. */
    public Connection connect(PgEndpoint endpoint) throws SQLException {
        return pools.computeIfAbsent(endpoint, this::pool).getConnection();
    }

    private HikariDataSource pool(PgEndpoint endpoint) {
        var config = new HikariConfig();
        // Names, sslmode, allowed authentication and the password as driver properties, never in the URL.
        config.setJdbcUrl(PgConnector.URL);
        config.setDataSourceProperties(PgConnector.properties(endpoint, secrets, applicationName));
        config.setMaximumPoolSize(maximumSize);
        config.setMinimumIdle(0);
        config.setPoolName("pg-" + endpoint.describe());
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
