package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.VerifiedTable;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.ReplicationNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares every published table of each database on both servers at once: exact row counts, and for tables under
 * the configured size an ordered hash of every row ({@code md5} of each row's text, sorted bytewise, hashed again).
 */
class TableComparison {

    record Table(String database, String name, long bytes) {
    }

    private record Measure(long rows, String hash) {
    }

    private final PgConnector connector;
    private final int workers;
    private final long hashUnderBytes;

    TableComparison(PgConnector connector, int workers, long hashUnderBytes) {
        this.connector = connector;
        this.workers = workers;
        this.hashUnderBytes = hashUnderBytes;
    }

    /** The tables the source publishes to the target, with their size (a partitioned table's whole tree). */
    List<Table> tables(PgEndpoint source, String database) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (Connection connection = connector.connect(source.withDatabase(database));
             var ps = connection.prepareStatement("""
                     select quote_ident(schemaname) || '.' || quote_ident(tablename),
                            (select coalesce(sum(pg_total_relation_size(relid)), 0) from
                             pg_partition_tree(format('%I.%I', schemaname, tablename)::regclass))::bigint
                     from pg_publication_tables where pubname = ? order by 1""")) {
            ps.setString(1, ReplicationNames.of(database).publication());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new Table(database, rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return tables;
    }

    /** @param hash false: counts only (preflight, while the application still writes) */
    List<VerifiedTable> compare(PgEndpoint source, PgEndpoint target, List<Table> tables, boolean hash)
            throws SQLException, InterruptedException {
        Map<String, Measure> measured = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(tables.size(), workers)) * 2,
                r -> new Thread(r, "cutover-compare"));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String database : tables.stream().map(Table::database).distinct().toList()) {
                List<Table> ofDatabase = tables.stream().filter(t -> t.database().equals(database)).toList();
                for (PgEndpoint side : List.of(source, target)) {
                    Queue<Table> queue = new ConcurrentLinkedQueue<>(ofDatabase);
                    for (int i = 0; i < Math.min(workers, ofDatabase.size()); i++) {
                        running.add(pool.submit(() -> {
                            measureAll(side.withDatabase(database), queue, hash, side == source ? "S" : "T", measured);
                            return null;
                        }));
                    }
                }
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) throw sql;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<VerifiedTable> verified = new ArrayList<>();
        for (Table table : tables) {
            Measure s = measured.get(key("S", table));
            Measure t = measured.get(key("T", table));
            boolean hashed = s.hash() != null && t.hash() != null;
            boolean equal = s.rows() == t.rows() && (!hashed || s.hash().equals(t.hash()));
            verified.add(new VerifiedTable(table.database(), table.name(), s.rows(), t.rows(), hashed, equal));
        }
        return verified;
    }

    private void measureAll(PgEndpoint endpoint, Queue<Table> queue, boolean hash, String side, Map<String, Measure> measured)
            throws SQLException {
        try (Connection connection = connector.connect(endpoint); var statement = connection.createStatement()) {
            Table table;
            while ((table = queue.poll()) != null) {
                boolean hashIt = hash && table.bytes() < hashUnderBytes;
                // The name comes from the source's catalog, quoted there with quote_ident.
                String sql = hashIt
                        ? "select count(*), md5(string_agg(md5(t::text), '' order by md5(t::text) collate \"C\")) from "
                        + table.name() + " t"
                        : "select count(*), null from " + table.name();
                try (var rs = statement.executeQuery(sql)) {
                    rs.next();
                    measured.put(key(side, table), new Measure(rs.getLong(1), hashIt ? String.valueOf(rs.getString(2)) : null));
                }
            }
        }
    }

    private static String key(String side, Table table) {
        return side + "|" + table.database() + "|" + table.name();
    }
}
