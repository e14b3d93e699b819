package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.Transactions;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The edge table's primary key during a first load: loading rows and building the key once after them is how
 * pg_restore and pgcopydb load a table, and here it cost 1.1 s of COPY plus 2.7 s of index build for 2 M links, against
 * 6.1 s for the same COPY into the keyed table. Only an empty table's key is dropped, and only the graph schema's own
 * key (its name is kept in lineage_setting, so any instance can build it again). While it is away, link_message keeps
 * a redelivered message from writing its links twice; before links are published again after a restart (their edges
 * may be in already) and before validation, the key is built. Nobody reads the edges meanwhile: V3 is off until the
 * run's validation passes.
 */
final class EdgeKey {

    private static final String COLUMNS = GraphWriter.KEY + ", relation_type";
    /** The lineage_setting row that holds the name of the key dropped for a first load. */
    private static final String DEFERRED = "edge_key_deferred";

    /** Drops the empty edge table's key for the load; true when the key is away now (dropped here or earlier). */
    static boolean defer(Connection target) throws SQLException {
        return Transactions.inOne(target, () -> {
            try (var statement = target.createStatement()) {
                // Only a table this user owns (an adopted one may belong to the application): else the key stays.
                try (var rs = statement.executeQuery(
                        "select pg_has_role((select relowner from pg_class where oid = 'edge'::regclass), 'USAGE')")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return false;
                    }
                }
                statement.execute("lock table edge in access exclusive mode");
                if (deferredName(target, false) != null) {
                    return true;
                }
                try (var rs = statement.executeQuery("select exists (select 1 from edge)")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return false;
                    }
                }
                String[] key = primaryKey(statement);
                if (key == null || !COLUMNS.equals(key[1])) {
                    return false;
                }
                String name = key[0];
                try (var ps = target.prepareStatement("insert into lineage_setting (name, value) values (?, ?)")) {
                    ps.setString(1, DEFERRED);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
                statement.execute("alter table edge drop constraint " + SqlIdentifier.quote(name));
                return true;
            }
        });
    }

    /**
     * Builds the key {@link #defer} dropped, if it did: returns the milliseconds it took, or -1 when there was none to
     * build. Duplicate edges (none are expected: link_message admits each message once) are removed first, not failed
     * on: they are the same link twice, and the nodes' flags are checked against the source afterwards anyway.
     */
    static long build(Connection target, String workMem) throws SQLException {
        long started = System.nanoTime();
        return Transactions.inOne(target, () -> {
            // Taken under the setting's row lock: two instances finishing at once build it once.
            String name = deferredName(target, true);
            if (name == null) {
                return -1L;
            }
            try (var statement = target.createStatement()) {
                if (primaryKey(statement) != null) {
                    // Put back by someone else meanwhile: only the note that it was away goes.
                    forget(target);
                    return -1L;
                }
                statement.execute("set local maintenance_work_mem = '" + workMem.replaceAll("[^0-9A-Za-z]", "") + "'");
                var savepoint = target.setSavepoint();
                try {
                    addKey(statement, name);
                } catch (SQLException e) {
                    if (!PgErrors.uniqueViolation(e)) {
                        throw e;
                    }
                    target.rollback(savepoint);
                    statement.executeUpdate("""
                            delete from edge e using (select ctid, row_number() over (partition by %s) n from edge) d
                            where e.ctid = d.ctid and d.n > 1""".formatted(COLUMNS));
                    addKey(statement, name);
                }
            }
            forget(target);
            return (System.nanoTime() - started) / 1_000_000;
        });
    }

    /** The edge table's primary key as its name and its columns in order, or null when it has none. */
    private static String[] primaryKey(java.sql.Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("""
                select c.conname, (select string_agg(a.attname, ', ' order by k.ord)
                                   from unnest(c.conkey) with ordinality k (attnum, ord)
                                   join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum)
                from pg_constraint c where c.conrelid = 'edge'::regclass and c.contype = 'p'""")) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }

    private static void forget(Connection target) throws SQLException {
        try (var ps = target.prepareStatement("delete from lineage_setting where name = ?")) {
            ps.setString(1, DEFERRED);
            ps.executeUpdate();
        }
    }

    /** The index is built under a SHARE lock (readers go on); the constraint then only adopts it. */
    private static void addKey(java.sql.Statement statement, String name) throws SQLException {
        String quoted = SqlIdentifier.quote(name);
        statement.execute("create unique index " + quoted + " on edge (" + COLUMNS + ")");
        statement.execute("alter table edge add constraint " + quoted + " primary key using index " + quoted);
    }

    private static String deferredName(Connection target, boolean lock) throws SQLException {
        try (var ps = target.prepareStatement("select value from lineage_setting where name = ?" + (lock ? " for update" : ""))) {
            ps.setString(1, DEFERRED);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private EdgeKey() {
    }
}
