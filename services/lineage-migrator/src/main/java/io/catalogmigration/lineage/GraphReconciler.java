package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.Transactions;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares the graph with the source as sets, not counts: both sides' rows are hashed (64 bits of PostgreSQL's
 * hashtextextended, chained over the row's columns) into 65,536 buckets, each bucket compared by count and sum of
 * hashes, so one link deleted and another added cannot pass as equal. Only the rows of buckets that differ are read, from both sides, and with {@code fix} the
 * target is made to match: missing edges and nodes added, edges of vanished links and nodes of vanished endpoints
 * removed, temporary flags set as the source says. Source and target may be on different servers: nothing is joined
 * across them.
 */
final class GraphReconciler {

    /** Rows read from each side at once when fetching differing buckets. */
    private static final long ROWS_PER_FETCH = 200_000;

    /**
     * One side's rows: a query with columns a, b, c (and d for edges), and the row's canonical hash: 64 bits of
     * PostgreSQL's own text hash (the one hash partitioning relies on, the same on every version since 11).
     */
    private record Rows(String query, String hash) {
        String hashed() {
            return "select *, " + hash + " h from (" + query + ") r";
        }
    }

    /**
     * An edge's hash: the source end's type hashed with its id as the seed, that mixed with the target's id as the seed
     * of the target's type. Chained, so the direction counts (a→b and b→a differ); about twice as fast as hashing a
     * text of the row, which converts both ids to text first.
     */
    private static final String EDGE_HASH = "hashtextextended(coalesce(c, ''), hashtextextended(coalesce(a, ''), coalesce(b, 0))"
            + " # coalesce(d, 0))";
    /** A node's hash: its type hashed with its id as the seed, the lowest bit flipped when it is temporary. */
    private static final String NODE_HASH = "(hashtextextended(coalesce(a, ''), coalesce(b, 0)) # coalesce(c, false)::int::bigint)";
    private static final String TARGET_EDGES = "select source_otype a, source_id b, target_otype c, target_id d from edge"
            + " where relation_type = " + GraphWriter.LINEAGE;
    private static final String TARGET_NODES = "select otype a, object_id b, is_temp c from node";

    /** What one comparison (and repair) found. */
    record Result(long sourceLinks, long edges, long sourceNodes, long nodes, long edgesAdded, long edgesRemoved,
                  long nodesAdded, long nodesRemoved, int bucketsDiffering, List<String> examples) {

        /** Equal as sets: every bucket of both sides has the same count and the same sum of hashes. */
        boolean equal() {
            return bucketsDiffering == 0;
        }
    }

    /**
     * Compares (and with {@code fix} repairs) edges and nodes. Without fix, the added/removed figures say what a
     * repair would do.
     */
    static Result reconcile(Connection source, LinkSource links, Connection target, boolean fix) throws SQLException {
        return reconcile(source, links, target, fix, null);
    }

    /** The source's side as buckets, read once: edges, then nodes. */
    record SourceBuckets(Buckets edges, Buckets nodes) {
    }

    /**
     * Reads the source's buckets on another thread, so that it overlaps work on the target (the link-nodes job's
     * merge); pass the result to {@link #reconcile(Connection, LinkSource, Connection, boolean, SourceBuckets)}.
     */
    static java.util.concurrent.CompletableFuture<SourceBuckets> readSource(Connection source, LinkSource links) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new SourceBuckets(buckets(source, new Rows(links.linksQuery(), EDGE_HASH)),
                        buckets(source, new Rows(links.nodesQuery(), NODE_HASH)));
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** As above; with {@code known}, the source's buckets read earlier in the same state of the source, not again. */
    static Result reconcile(Connection source, LinkSource links, Connection target, boolean fix, SourceBuckets known)
            throws SQLException {
        var edges = new Side(new Rows(links.linksQuery(), EDGE_HASH), new Rows(TARGET_EDGES, EDGE_HASH), 4);
        var nodes = new Side(new Rows(links.nodesQuery(), NODE_HASH), new Rows(TARGET_NODES, NODE_HASH), 3);
        List<String> examples = new ArrayList<>();
        var e = edges.compare(source, target, fix, examples, true, known == null ? null : known.edges());
        var n = nodes.compare(source, target, fix, examples, false, known == null ? null : known.nodes());
        return new Result(e.sourceRows, e.targetRows, n.sourceRows, n.targetRows, e.missing, e.extra, n.missing, n.extra,
                e.buckets + n.buckets, examples);
    }

    private record Diff(long sourceRows, long targetRows, long missing, long extra, int buckets) {
    }

    private record Side(Rows source, Rows target, int columns) {

        Diff compare(Connection sourceDb, Connection targetDb, boolean fix, List<String> examples, boolean isEdge,
                     Buckets knownSource) throws SQLException {
            // The two sides are usually two servers: both read at once.
            var sourceRead = knownSource != null ? java.util.concurrent.CompletableFuture.completedFuture(knownSource)
                    : java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return buckets(sourceDb, source);
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            var targetBuckets = buckets(targetDb, target);
            Buckets sourceBuckets;
            try {
                sourceBuckets = sourceRead.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
            long sourceRows = sourceBuckets.rows();
            long targetRows = targetBuckets.rows();
            List<Integer> differing = sourceBuckets.differing(targetBuckets);
            if (differing.isEmpty()) {
                return new Diff(sourceRows, targetRows, 0, 0, 0);
            }
            long perBucket = Math.max(1, Math.max(sourceRows, targetRows) / Buckets.COUNT + 1);
            int chunk = (int) Math.max(1, Math.min(Buckets.COUNT, ROWS_PER_FETCH / perBucket));
            long missing = 0;
            long extra = 0;
            for (int i = 0; i < differing.size(); i += chunk) {
                Integer[] some = differing.subList(i, Math.min(differing.size(), i + chunk)).toArray(Integer[]::new);
                Set<List<Object>> inSource = rows(sourceDb, source, some);
                Set<List<Object>> inTarget = rows(targetDb, target, some);
                Set<List<Object>> toAdd = new HashSet<>(inSource);
                toAdd.removeAll(inTarget);
                Set<List<Object>> toRemove = new HashSet<>(inTarget);
                toRemove.removeAll(inSource);
                missing += toAdd.size();
                extra += toRemove.size();
                String what = isEdge ? "edge " : "node ";
                toAdd.stream().limit(Math.max(0, 5 - examples.size())).forEach(r -> examples.add("missing " + what + r));
                toRemove.stream().limit(Math.max(0, 5 - examples.size())).forEach(r -> examples.add("extra " + what + r));
                if (fix) {
                    if (isEdge) {
                        fixEdges(targetDb, toAdd, toRemove);
                    } else {
                        fixNodes(targetDb, toAdd, toRemove);
                    }
                }
            }
            return new Diff(sourceRows, targetRows, missing, extra, differing.size());
        }

        private Set<List<Object>> rows(Connection connection, Rows rows, Integer[] buckets) throws SQLException {
            Set<List<Object>> out = new HashSet<>();
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (var ps = connection.prepareStatement("select a, b, c" + (columns == 4 ? ", d" : "") + " from ("
                    + rows.hashed() + ") x where ((h >> 48) & 65535)::int in (select unnest(?::int[]))")) {
                ps.setFetchSize(10_000);
                ps.setArray(1, connection.createArrayOf("int4", buckets));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(columns == 4 ? List.of(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4))
                                : List.of(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
                    }
                }
                connection.commit();
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return out;
        }
    }

    /**
     * One side's 65,536 buckets as two arrays: each bucket's count and the low 64 bits of its sum of hashes (a sum of
     * random 64-bit hashes that differs only above them is as unlikely as a colliding hash). 1 MB a side, held while the
     * validation runs: as maps of boxed keys and records with the sum as text they were about 8 MB a side, four sides
     * at once, and took a throttled heap over its threshold after the consumers had stopped.
     */
    static final class Buckets {
        static final int COUNT = 65_536;
        private final long[] counts = new long[COUNT];
        private final long[] sums = new long[COUNT];

        long rows() {
            long rows = 0;
            for (long count : counts) {
                rows += count;
            }
            return rows;
        }

        /** The buckets whose count or sum differ from the other side's, in order. */
        List<Integer> differing(Buckets other) {
            List<Integer> out = new ArrayList<>();
            for (int b = 0; b < COUNT; b++) {
                if (counts[b] != other.counts[b] || sums[b] != other.sums[b]) {
                    out.add(b);
                }
            }
            return out;
        }
    }

    private static Buckets buckets(Connection connection, Rows rows) throws SQLException {
        var out = new Buckets();
        try (var statement = connection.createStatement();
             var rs = statement.executeQuery("select ((h >> 48) & 65535)::int, count(*), sum(h)::text from (" + rows.hashed()
                     + ") x group by 1")) {
            while (rs.next()) {
                int bucket = rs.getInt(1);
                out.counts[bucket] = rs.getLong(2);
                // The exact sum is a numeric; its two's-complement low 64 bits are what is kept.
                out.sums[bucket] = new java.math.BigInteger(rs.getString(3)).longValue();
            }
        }
        return out;
    }

    private static void fixEdges(Connection target, Set<List<Object>> add, Set<List<Object>> remove) throws SQLException {
        Transactions.inOne(target, () -> {
            try (var delete = target.prepareStatement("delete from edge where source_otype = ? and source_id = ? and "
                    + "target_otype = ? and target_id = ? and relation_type = " + GraphWriter.LINEAGE);
                 var insert = target.prepareStatement("insert into edge (source_otype, source_id, target_otype, target_id, "
                         + "relation_type) values (?, ?, ?, ?, " + GraphWriter.LINEAGE + ") on conflict do nothing")) {
                batch(delete, remove);
                batch(insert, add);
            }
        });
    }

    private static void fixNodes(Connection target, Set<List<Object>> add, Set<List<Object>> remove) throws SQLException {
        Transactions.inOne(target, () -> {
            try (var delete = target.prepareStatement("delete from node where otype = ? and object_id = ?");
                 var upsert = target.prepareStatement("insert into node (otype, object_id, is_temp) values (?, ?, ?) "
                         + "on conflict (otype, object_id) do update set is_temp = excluded.is_temp")) {
                // A node whose flag differs is in both sets: removed, then written with the source's flag.
                batch(delete, remove.stream().map(r -> r.subList(0, 2)).toList());
                batch(upsert, add);
            }
        });
    }

    private static void batch(java.sql.PreparedStatement statement, java.util.Collection<List<Object>> rows) throws SQLException {
        int pending = 0;
        for (List<Object> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                statement.setObject(i + 1, row.get(i));
            }
            statement.addBatch();
            if (++pending == 1000) {
                statement.executeBatch();
                pending = 0;
            }
        }
        if (pending > 0) {
            statement.executeBatch();
        }
    }

    private GraphReconciler() {
    }
}
