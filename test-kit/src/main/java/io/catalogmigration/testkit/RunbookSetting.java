package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

import org.postgresql.PGConnection;

/**
 * What surrounds the catalog's tables on the runbook's source server: the extensions its schema uses (intarray,
 * hstore, amcheck, pg_visibility) and {@code file_fdw} with a server and a foreign table (which RDS cannot have), the
 * application's roles (the owner {@code alation}, the login roles {@code alation_db_user} and {@code alation_db}, the
 * monitoring role {@code datadog}, a member of {@code pg_monitor}), the application owning the databases and every
 * object in them, and the other roles' grants, default privileges and per-database settings. A migration must carry
 * all of it except the foreign data, which it must name.
 */
final class RunbookSetting {

    static final String OWNER = "alation";
    static final String READ_WRITE = "alation_db_user";
    static final String READ_ONLY = "alation_db";
    static final String MONITORING = "datadog";
    static final List<String> LOGIN_ROLES = List.of(OWNER, READ_WRITE, READ_ONLY, MONITORING);
    static final List<String> EXTENSIONS = List.of("intarray", "hstore", "amcheck", "pg_visibility");
    static final String FOREIGN_SERVER = "import_files";
    static final String FOREIGN_TABLE = "import_log";

    private RunbookSetting() {
    }

    /** Before the tables: the extensions their columns and indexes use, and the one RDS cannot have. */
    static List<String> extensions() {
        return List.of("CREATE EXTENSION IF NOT EXISTS intarray", "CREATE EXTENSION IF NOT EXISTS hstore",
                "CREATE EXTENSION IF NOT EXISTS amcheck", "CREATE EXTENSION IF NOT EXISTS pg_visibility",
                "CREATE EXTENSION IF NOT EXISTS file_fdw");
    }

    /**
     * The roles (cluster-wide, so made once per server, each with a password of its own in a 0600 file next to the
     * cluster), then ownership and grants in {@code rosemeta} and the owner of {@code lineage}.
     */
    static void apply(PostgresCluster cluster, Connection superuser, Statement statement) throws SQLException {
        for (String role : LOGIN_ROLES) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') "
                    + "THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            // the SCRAM verifier is computed here: the password never reaches the server's log
            superuser.unwrap(PGConnection.class).alterUserPassword(role, password(cluster, role).toCharArray(), "scram-sha-256");
        }
        for (String sql : List.of(
                "GRANT pg_monitor TO " + MONITORING,
                "ALTER DATABASE " + SampleCatalog.ROSEMETA + " OWNER TO " + OWNER,
                "ALTER DATABASE " + SampleCatalog.LINEAGE + " OWNER TO " + OWNER,
                "ALTER ROLE " + OWNER + " IN DATABASE " + SampleCatalog.ROSEMETA + " SET statement_timeout = '1h'",
                "ALTER DATABASE " + SampleCatalog.ROSEMETA + " SET default_statistics_target = 200",
                // every table, its identity sequence and its indexes belong to the application
                "DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP "
                        + "EXECUTE format('ALTER TABLE public.%I OWNER TO " + OWNER + "', t.tablename); END LOOP; END $$",
                "CREATE VIEW rosemeta_table_summary AS SELECT ds_id, count(*) AS tables FROM rosemeta_table GROUP BY ds_id",
                "ALTER VIEW rosemeta_table_summary OWNER TO " + OWNER,
                "CREATE FUNCTION rosemeta_tag(tags hstore, tag text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT tags -> tag $$",
                "ALTER FUNCTION rosemeta_tag(hstore, text) OWNER TO " + OWNER,
                "CREATE SCHEMA alation_ext AUTHORIZATION " + OWNER,
                "CREATE TABLE alation_ext.setting (name text PRIMARY KEY, value text NOT NULL)",
                "ALTER TABLE alation_ext.setting OWNER TO " + OWNER,
                "INSERT INTO alation_ext.setting VALUES ('site', 'catalog'), ('retention', '365 days')",
                "CREATE SERVER " + FOREIGN_SERVER + " FOREIGN DATA WRAPPER file_fdw",
                "CREATE FOREIGN TABLE " + FOREIGN_TABLE + " (line text) SERVER " + FOREIGN_SERVER
                        + " OPTIONS (filename '/dev/null')",
                "GRANT SELECT ON " + FOREIGN_TABLE + " TO " + OWNER,
                "GRANT USAGE ON SCHEMA public, alation_ext TO " + READ_WRITE + ", " + READ_ONLY,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, alation_ext TO " + READ_WRITE,
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + READ_WRITE,
                "GRANT SELECT ON ALL TABLES IN SCHEMA public, alation_ext TO " + READ_ONLY,
                "REVOKE EXECUTE ON FUNCTION rosemeta_tag(hstore, text) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION rosemeta_tag(hstore, text) TO " + READ_ONLY,
                "ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA public GRANT SELECT ON TABLES TO " + READ_ONLY)) {
            statement.execute(sql);
        }
    }

    /** The role's password as a secret reference ({@code file:}); made on first use. */
    static String secretRef(PostgresCluster cluster, String role) {
        password(cluster, role);
        return "file:" + passwordFile(cluster, role);
    }

    static String password(PostgresCluster cluster, String role) {
        Path file = passwordFile(cluster, role);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).trim();
            }
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            String password = HexFormat.of().formatHex(bytes);
            PostgresCluster.writeSecret(cluster.baseDirectory(), file.getFileName().toString(), password);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the password of role " + role + " in " + file, e);
        }
    }

    private static Path passwordFile(PostgresCluster cluster, String role) {
        return cluster.baseDirectory().resolve("role-" + role + ".password");
    }
}
