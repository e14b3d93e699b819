package io.catalogmigration.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.PGConnection;

/**
 * A stand-in for the master user of an RDS instance: not a superuser, but CREATEDB and CREATEROLE, a member of
 * {@code rds_superuser} and {@code rds_replication} (plain roles here: RDS's own code gives them their powers; like
 * RDS's master user it may grant rds_replication to the roles it creates), of pg_signal_backend and pg_monitor, and on
 * 16+ of pg_create_subscription. What rds_replication confers on RDS
 * (creating logical slots, replication connections) a plain role cannot give, so the stand-in has the REPLICATION
 * attribute instead. Since PostgreSQL 16 such an administrator is not a member of the roles it creates, as on RDS.
 */
final class RdsAdministrator {

    static final String USER = "rds_master";
    static final String PASSWORD_FILE = "rds_master.password";

    private final String password;
    private final Path passwordFile;

    private RdsAdministrator(String password, Path passwordFile) {
        this.password = password;
        this.passwordFile = passwordFile;
    }

    /** Creates the roles as the superuser on {@code connection}, and the administrator's 0600 password file. */
    static RdsAdministrator create(Connection superuser, int major, Path base, String password) throws SQLException {
        String user = PostgresCluster.quoteIdentifier(USER);
        List<String> grants = new ArrayList<>(List.of("rds_superuser", "rds_replication", "pg_signal_backend", "pg_monitor"));
        if (major >= 16) {
            grants.add("pg_create_subscription");
        }
        try (Statement statement = superuser.createStatement()) {
            statement.execute("CREATE ROLE rds_superuser NOLOGIN");
            statement.execute("CREATE ROLE rds_replication NOLOGIN");
            statement.execute("CREATE ROLE " + user + " LOGIN CREATEDB CREATEROLE REPLICATION");
            statement.execute("GRANT " + String.join(", ", grants) + " TO " + user);
            // RDS's rds_superuser hands out the monitoring roles (GRANT pg_monitor TO datadog works as the master user)
            statement.execute("GRANT pg_monitor, pg_read_all_stats, pg_read_all_settings, pg_stat_scan_tables, "
                    + "pg_signal_backend TO rds_superuser WITH ADMIN OPTION");
            statement.execute("GRANT rds_replication TO " + user + " WITH ADMIN OPTION");
        }
        // The SCRAM verifier is computed here: the password itself never reaches the server or its log.
        superuser.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
        try {
            return new RdsAdministrator(password, PostgresCluster.writeSecret(base, PASSWORD_FILE, password));
        } catch (IOException e) {
            throw new SQLException("cannot write the administrator's password file in " + base, e);
        }
    }

    String password() {
        return password;
    }

    Path passwordFile() {
        return passwordFile;
    }
}
