package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.CopyPipe;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.common.verify.RowHashing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Unlogged tables: their changes are not written to the WAL, so logical replication cannot carry them, and the schema
 * creates them empty on the target. Their rows are copied with writes stopped (TRUNCATE on the target, then COPY
 * from the source piped into COPY on the target, in one target transaction) and compared by count and row hash.
 */
public final class UnloggedTables {

    /**
     * @param name  schema-qualified, quoted by the catalog's quote_ident
     * @param label schema.name, for people
     * @param bytes pg_table_size on the source (heap and TOAST)
     * @param rows  the planner's estimate (0 when never analysed)
     */
    public record Table(String name, String label, long bytes, long rows) {
    }

    /**
     * @param rows   rows on the target after the copy
     * @param bytes  bytes of the COPY stream
     * @param equal  count and summed row hash equal on both servers
     * @param detail the two checksums when they differ
     */
    public record Copied(Table table, long rows, long bytes, long millis, boolean equal, String detail) {
    }

    /** A rolled-back copy of the first rows: what the copy moves per second between these two servers. */
    public record Sample(long tableBytes, long millis) {

        /** The whole table's copy at this rate. */
        public long estimateMillis(long bytes) {
            return tableBytes == 0 ? 0 : Math.max(millis, (long) ((double) millis * bytes / tableBytes));
        }
    }

    /** Ordinary unlogged tables outside system schemas and extensions (unlogged sequences are sequences). */
    public static List<Table> list(Connection connection) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (var rs = connection.createStatement().executeQuery("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname || '.' || c.relname,
                       pg_table_size(c.oid), greatest(c.reltuples, 0)::bigint
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'r' and c.relpersistence = 'u'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
                  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                  and d.deptype = 'e')
                order by 1""")) {
            while (rs.next()) {
                tables.add(new Table(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return tables;
    }

    /** Replaces the target's rows with the source's, then compares both by count and row hash. */
    public static Copied copy(Connection source, Connection target, Table table) throws SQLException {
        long started = System.nanoTime();
        String columns = CopyPipe.columns(source, table.name());
        long bytes = 0;
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            Sql.execute(target, "TRUNCATE ONLY " + table.name());
            if (!columns.isEmpty()) {
                var copy = CopyPipe.statements(table.name(), columns, -1, -1);
                bytes = CopyPipe.copy(source, copy.get(0), target, copy.get(1));
            }
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
        var relation = new Relation(table.name(), List.of(), table.bytes(), table.rows());
        RowHashing.prepareSession(source);
        RowHashing.prepareSession(target);
        var onSource = RowHashing.checksum(source, relation, null, null);
        var onTarget = RowHashing.checksum(target, relation, null, null);
        boolean equal = onSource.equals(onTarget);
        return new Copied(table, onTarget.rows(), bytes, (System.nanoTime() - started) / 1_000_000, equal, equal ? ""
                : "%,d rows (hash %s) on the source, %,d rows (hash %s) on the target".formatted(onSource.rows(),
                onSource.sum(), onTarget.rows(), onTarget.sum()));
    }

    /**
     * Copies about {@code sampleBytes} of the table's first rows into the target inside a transaction that is rolled
     * back: the target is left as it was, and the time says what the whole copy will add to the window.
     */
    public static Sample sample(Connection source, Connection target, Table table, long sampleBytes) throws SQLException {
        String columns = CopyPipe.columns(source, table.name());
        if (columns.isEmpty() || table.bytes() == 0) {
            return new Sample(0, 0);
        }
        long limit = table.bytes() <= sampleBytes ? -1
                : table.rows() > 0 ? Math.max(1, table.rows() * sampleBytes / table.bytes()) : Math.max(1, sampleBytes / 200);
        long sampledBytes = limit < 0 || table.rows() <= 0 ? Math.min(table.bytes(), sampleBytes)
                : table.bytes() * Math.min(limit, table.rows()) / table.rows();
        String select = "COPY (SELECT " + columns + " FROM ONLY " + table.name() + (limit < 0 ? "" : " LIMIT " + limit)
                + ") TO STDOUT (FORMAT binary)";
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        long started = System.nanoTime();
        try {
            CopyPipe.copy(source, select, target, CopyPipe.statements(table.name(), columns, -1, -1).get(1));
            return new Sample(sampledBytes, (System.nanoTime() - started) / 1_000_000);
        } finally {
            target.rollback();
            target.setAutoCommit(autoCommit);
        }
    }

    private UnloggedTables() {
    }
}
