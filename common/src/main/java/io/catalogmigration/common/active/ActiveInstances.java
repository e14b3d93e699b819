package io.catalogmigration.common.active;

import io.catalogmigration.common.secret.Credentials;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Builds a service's {@link ActiveInstance}: the lock session is opened with the control database's own settings
 * (those of the ledger's pool), outside the pool, and named after the instance so that a standby can say which one it
 * waits for.
 */
public class ActiveInstances {

    private final DataSource controlDatabase;
    private final KafkaListenerEndpointRegistry listeners;
    private final String service;
    private final Duration pollInterval;

    public ActiveInstances(DataSource controlDatabase, KafkaListenerEndpointRegistry listeners, String service,
                           Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("migration.active-instance.poll-interval must be positive, got " + pollInterval);
        }
        this.controlDatabase = controlDatabase;
        this.listeners = listeners;
        this.service = service;
        this.pollInterval = pollInterval;
    }

    /**
     * @param listenerIds the command listeners to run only while active ({@code autoStartup = "false"})
     * @param onActive    the recovery of unfinished runs
     * @param stopWork    stops the work in progress and waits for it; runs before the lock is released
     */
    public ActiveInstance create(List<String> listenerIds, Runnable onActive, Runnable stopWork) {
        return new ActiveInstance(service, () -> new LockSession(connect(), service), pollInterval, listeners, listenerIds,
                onActive, stopWork);
    }

    private Connection connect() throws SQLException {
        if (controlDatabase instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            var props = new Properties();
            if (hikari.getUsername() != null) {
                props.setProperty("user", hikari.getUsername());
            }
            if (hikari.getPassword() != null) {
                props.setProperty("password", hikari.getPassword());
            }
            props.setProperty("ApplicationName", applicationName());
            props.setProperty("connectTimeout", "10");
            props.setProperty("tcpKeepAlive", "true");
            try {
                return DriverManager.getConnection(hikari.getJdbcUrl(), props);
            } catch (SQLException e) {
                // DriverManager quotes the URL it could not use, credentials and all: its message reaches the logs
                throw new SQLException(Credentials.removedFrom(e.getMessage()), e.getSQLState(), e.getErrorCode());
            }
        }
        return controlDatabase.getConnection();
    }

    /** "catalog-migration-cutover lock, host-1 pid 4242": what a standby names when it waits. */
    private String applicationName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown host";
        }
        String name = "catalog-migration-" + service + " lock, " + host + " pid " + ProcessHandle.current().pid();
        return name.length() <= 63 ? name : name.substring(0, 63);
    }
}
