package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Stops writes at the database: new sessions start read-only ({@code default_transaction_read_only}) and the
 * sessions open now are ended, so the application reconnects into read-only sessions. Replication connections are
 * left alone. Releasing resets the setting.
 */
class WriteFence {

    private static final Logger log = LoggerFactory.getLogger(WriteFence.class);

    private final PgConnector connector;

    WriteFence(PgConnector connector) {
        this.connector = connector;
    }

    /** @param server an administrator of the server, on a database that is not fenced (its maintenance database) */
    int fence(PgEndpoint server, List<String> databases) throws SQLException {
        try (Connection admin = admin(server)) {
            for (String database : databases) {
                Sql.execute(admin, "ALTER DATABASE " + SqlIdentifier.quote(database) + " SET default_transaction_read_only = on");
            }
            // Set first, then end: whoever reconnects gets a read-only session.
            boolean waits = admin.getMetaData().getDatabaseMajorVersion() >= 14;
            var ended = Sql.strings(admin, "select pid::text from pg_stat_activity where datname = any(?) "
                    + "and pid <> pg_backend_pid() and backend_type = 'client backend'", (Object) databases.toArray(String[]::new));
            for (String pid : ended) {
                Sql.strings(admin, waits ? "select pg_terminate_backend(?::int, 5000)::text" : "select pg_terminate_backend(?::int)::text", pid);
            }
            log.info("Writes stopped on {}: {} read-only, {} session(s) ended", server.host() + ":" + server.port(), databases,
                    ended.size());
            return ended.size();
        }
    }

    void release(PgEndpoint server, List<String> databases) throws SQLException {
        try (Connection admin = admin(server)) {
            for (String database : databases) {
                if (Sql.exists(admin, "select 1 from pg_database where datname = ?", database)) {
                    Sql.execute(admin, "ALTER DATABASE " + SqlIdentifier.quote(database) + " RESET default_transaction_read_only");
                }
            }
        }
        log.info("Writes allowed again on {}: {}", server.host() + ":" + server.port(), databases);
    }

    private Connection admin(PgEndpoint server) throws SQLException {
        Connection connection = connector.connect(server);
        try {
            // ALTER DATABASE cannot run in a read-only transaction; this session is ours, whatever the defaults say.
            Sql.execute(connection, "SET default_transaction_read_only = off");
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }
}
