package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Real corruption for a sample catalog: a table of notes whose long bodies live out of line (TOAST, uncompressed), and
 * a few rows whose second TOAST chunk is removed, so reading them fails with "missing chunk number 1 for toast value"
 * exactly as a damaged production table does. From PostgreSQL 14 pg_surgery removes the chunks; before it (the
 * runbook's 13) there is no such extension, and SQL may not change a TOAST table, so the chunks' line pointers are
 * marked dead in the data file while the server is stopped ({@link DeadLinePointers}).
 */
public final class SampleCorruption {

    public static final String TABLE = "rosemeta_catalognote";
    public static final int ROWS = 200;

    /** Creates the notes table in {@code database} and damages {@code damaged} of its rows; returns their ids. */
    public static Set<Long> damage(PostgresCluster cluster, String database, int damaged) {
        Set<Long> ids = new TreeSet<>();
        try (Connection connection = cluster.connect(database); Statement statement = connection.createStatement()) {
            boolean surgery = cluster.majorVersion() >= 14;
            if (surgery) {
                statement.execute("create extension if not exists pg_surgery");
            }
            statement.execute("create table " + TABLE + " (id bigint primary key, body text)");
            statement.execute("alter table " + TABLE + " alter column body set storage external");
            statement.execute("insert into " + TABLE + " select g, 'note-' || lpad(g::text, 8, '0') || (select string_agg(md5(g::text || i), '') "
                    + "from generate_series(1, 100) i) from generate_series(1, " + ROWS + ") g");
            String toast;
            String toastFile;
            try (var rs = statement.executeQuery("select reltoastrelid::regclass::text, pg_relation_filepath(reltoastrelid) "
                    + "from pg_class where oid = '" + TABLE + "'::regclass")) {
                rs.next();
                toast = rs.getString(1);
                toastFile = rs.getString(2);
            }
            List<String> killed = new ArrayList<>();
            for (long id = 7; ids.size() < damaged; id += 31) {
                String prefix = "note-" + String.format("%08d", id);
                String tid;
                try (var rs = statement.executeQuery("select t.ctid::text from " + toast + " t where t.chunk_seq = 1 and t.chunk_id = "
                        + "(select chunk_id from " + toast + " where chunk_seq = 0 and substring(chunk_data from 1 for 13) = "
                        + "convert_to('" + prefix + "', 'UTF8'))")) {
                    rs.next();
                    tid = rs.getString(1);
                }
                if (surgery) {
                    statement.execute("select heap_force_kill('" + toast + "'::regclass, array['" + tid + "'::tid])");
                } else {
                    killed.add(tid);
                }
                ids.add(id);
            }
            if (!killed.isEmpty()) {
                statement.execute("checkpoint");
                cluster.whileStopped(data -> DeadLinePointers.mark(data.resolve(toastFile), killed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not damage " + TABLE + " in " + database, e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not damage " + TABLE + " in " + database + ": " + e.getMessage(), e);
        }
        return ids;
    }

    private SampleCorruption() {
    }
}
