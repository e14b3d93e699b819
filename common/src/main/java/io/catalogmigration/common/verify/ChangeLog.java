package io.catalogmigration.common.verify;

import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.Transactions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Verification's state on the target, in the schema {@value #SCHEMA} of each target database: the plan of the online
 * pass (tables, method, chunks), the chunks verified, the differences found, and the change log that makes the
 * window's check small. A trigger on every replicated table, enabled ALWAYS so that it fires for the subscription's
 * apply worker and for any other writer alike, records the key of each row changed (a table without a key, or a
 * TRUNCATE, records the whole table) with the writing transaction's id. The frontier is a snapshot of the target:
 * every change visible in it has been verified, so what is left is exactly the changes not visible in it.
 */
public final class ChangeLog {

    public static final String SCHEMA = "migration_verify";
    private static final String TRIGGER = "migration_verify_rows";
    private static final String TRUNCATE_TRIGGER = "migration_verify_truncate";

    /** One planned table as recorded on the target. */
    public record Planned(Relation relation, int chunks) {
    }

    /** The change log is in place (the schema alone may hold only the large objects' and views' records). */
    public static boolean installed(Connection target) throws SQLException {
        return Sql.one(target, "select to_regclass(?)::text", SCHEMA + ".frontier") != null;
    }

    /** Creates the schema and the triggers, then takes the first frontier; each step is safe to repeat. */
    public static void install(Connection target, List<Planned> tables) throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(true);
        try {
            Sql.execute(target, "CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            Sql.execute(target, "REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC");
            Sql.execute(target, """
                    CREATE TABLE IF NOT EXISTS migration_verify.changes (
                        tab text NOT NULL, key jsonb, xid xid8 NOT NULL DEFAULT pg_current_xact_id())""");
            Sql.execute(target, """
                    CREATE TABLE IF NOT EXISTS migration_verify.frontier (
                        id int PRIMARY KEY DEFAULT 1 CHECK (id = 1), snapshot pg_snapshot NOT NULL,
                        taken_at timestamptz NOT NULL DEFAULT now(), passes int NOT NULL DEFAULT 0)""");
            Sql.execute(target, """
                    CREATE TABLE IF NOT EXISTS migration_verify.planned_table (
                        tab text PRIMARY KEY, key jsonb NOT NULL, bytes bigint NOT NULL, chunks int NOT NULL,
                        rows_rechecked bigint NOT NULL DEFAULT 0)""");
            Sql.execute(target, """
                    CREATE TABLE IF NOT EXISTS migration_verify.verified_chunk (
                        tab text NOT NULL, seq int NOT NULL, rows bigint NOT NULL, bytes bigint NOT NULL,
                        checks int NOT NULL DEFAULT 1, verified_at timestamptz NOT NULL DEFAULT now(), verified_by text,
                        PRIMARY KEY (tab, seq))""");
            Sql.execute(target, """
                    CREATE TABLE IF NOT EXISTS migration_verify.difference (
                        tab text NOT NULL, key jsonb NOT NULL, detail text NOT NULL,
                        found_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tab, key))""");
            // Fifty tables' functions and triggers per round trip and transaction: hundreds of tables take a second,
            // and the locks the triggers need are held only briefly against the apply worker.
            target.setAutoCommit(false);
            try {
                try (var ps = target.prepareStatement("""
                        insert into migration_verify.planned_table (tab, key, bytes, chunks) values (?, ?::jsonb, ?, ?)
                        on conflict (tab) do nothing""")) {
                    for (Planned planned : tables) {
                        ps.setString(1, planned.relation().name());
                        ps.setString(2, MessageJson.mapper().writeValueAsString(planned.relation().key()));
                        ps.setLong(3, planned.relation().bytes());
                        ps.setInt(4, planned.chunks());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                StringBuilder script = new StringBuilder();
                int inScript = 0;
                for (Planned planned : tables) {
                    Relation table = planned.relation();
                    String function = SCHEMA + "." + functionName(table);
                    script.append("CREATE OR REPLACE FUNCTION ").append(function).append("() RETURNS trigger LANGUAGE plpgsql ")
                            .append("SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ").append(Sql.literal(body(table))).append(";\n")
                            .append("REVOKE ALL ON FUNCTION ").append(function).append("() FROM PUBLIC;\n")
                            .append("CREATE OR REPLACE TRIGGER ").append(TRIGGER).append(" AFTER INSERT OR UPDATE OR DELETE ON ")
                            .append(table.name()).append(" FOR EACH ROW EXECUTE FUNCTION ").append(function).append("();\n")
                            .append("CREATE OR REPLACE TRIGGER ").append(TRUNCATE_TRIGGER).append(" AFTER TRUNCATE ON ")
                            .append(table.name()).append(" FOR EACH STATEMENT EXECUTE FUNCTION ").append(function).append("();\n")
                            .append("ALTER TABLE ").append(table.name()).append(" ENABLE ALWAYS TRIGGER ").append(TRIGGER)
                            .append(", ENABLE ALWAYS TRIGGER ").append(TRUNCATE_TRIGGER).append(";\n");
                    if (++inScript == 50) {
                        Sql.execute(target, script.toString());
                        target.commit();
                        script.setLength(0);
                        inScript = 0;
                    }
                }
                if (inScript > 0) {
                    Sql.execute(target, script.toString());
                }
                target.commit();
            } catch (SQLException | RuntimeException e) {
                target.rollback();
                throw e;
            } finally {
                target.setAutoCommit(true);
            }
            // Taken after every trigger is in place: any change not visible in it is in the log.
            Sql.execute(target, "insert into migration_verify.frontier (id, snapshot) values (1, pg_current_snapshot()) "
                    + "on conflict (id) do nothing");
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    /** The frontier snapshot as text: every change visible in it has been verified (null: none taken yet). */
    public static String frontier(Connection target) throws SQLException {
        return Sql.one(target, "select snapshot::text from migration_verify.frontier");
    }

    /** What the online pass planned, as recorded on the target. */
    public static List<Planned> planned(Connection target) throws SQLException {
        List<Planned> planned = new ArrayList<>();
        try (var ps = target.prepareStatement("select tab, key::text, bytes, chunks from migration_verify.planned_table order by tab");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Relation.KeyColumn> key = List.of(MessageJson.mapper().readValue(rs.getString(2), Relation.KeyColumn[].class));
                planned.add(new Planned(new Relation(rs.getString(1), key, rs.getLong(3), 0), rs.getInt(4)));
            }
        }
        return planned;
    }

    /**
     * Has the next pass compare a row again ({@code key} null: the whole table), as if it had changed now: for a row
     * that could not be settled because the target was still applying older changes.
     */
    static void recheck(Connection target, String table, List<String> key) throws SQLException {
        try (var ps = target.prepareStatement("insert into migration_verify.changes (tab, key) values (?, ?::jsonb)")) {
            ps.setString(1, table);
            ps.setString(2, key == null ? null : MessageJson.mapper().writeValueAsString(key));
            ps.executeUpdate();
        }
    }

    /**
     * Removes the change log and the online pass's records (the triggers, their functions, the log, the frontier, the
     * plan, the chunks verified and the differences), for a pass planned again from the start. What else the schema
     * holds stays: the large objects' and the materialized views' records and the snapshot copy's marks, which the next
     * check and the cutover still read.
     */
    public static void reset(Connection target) throws SQLException {
        Transactions.inOne(target, () -> {
            // The triggers depend on the log functions, so dropping a function with CASCADE takes its triggers too.
            for (String function : Sql.strings(target, """
                    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname = ? and p.proname like 'log\\_%'""", SCHEMA)) {
                Sql.execute(target, "DROP FUNCTION IF EXISTS " + function + " CASCADE");
            }
            Sql.execute(target, "DROP TABLE IF EXISTS " + String.join(", ", Stream.of("changes", "frontier", "planned_table",
                    "verified_chunk", "difference").map(t -> SCHEMA + "." + t).toList()));
        });
    }

    /** Removes the triggers, their functions and every table of the schema: nothing of verification stays behind. */
    public static void drop(Connection target) throws SQLException {
        // The triggers depend on the schema's functions, so CASCADE takes them too.
        Sql.execute(target, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    static String functionName(Relation table) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(table.name().getBytes(StandardCharsets.UTF_8));
            return "log_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trigger's body: the table's name is a literal, its key columns come from the catalog, quoted. */
    private static String body(Relation table) {
        String tab = Sql.literal(table.name());
        String insert = "INSERT INTO migration_verify.changes (tab, key) VALUES (" + tab + ", ";
        if (!table.keyed()) {
            return "BEGIN " + insert + "NULL); RETURN NULL; END";
        }
        String oldKey = "jsonb_build_array(" + table.key().stream().map(k -> "OLD." + k.name() + "::text")
                .collect(Collectors.joining(", ")) + ")";
        String newKey = "jsonb_build_array(" + table.key().stream().map(k -> "NEW." + k.name() + "::text")
                .collect(Collectors.joining(", ")) + ")";
        return "BEGIN\n"
                + "  IF TG_OP = 'TRUNCATE' THEN " + insert + "NULL);\n"
                + "  ELSIF TG_OP = 'INSERT' THEN " + insert + newKey + ");\n"
                + "  ELSIF TG_OP = 'DELETE' THEN " + insert + oldKey + ");\n"
                + "  ELSE " + insert + oldKey + ");\n"
                + "    IF " + oldKey + " IS DISTINCT FROM " + newKey + " THEN " + insert + newKey + "); END IF;\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END";
    }

    private ChangeLog() {
    }
}
