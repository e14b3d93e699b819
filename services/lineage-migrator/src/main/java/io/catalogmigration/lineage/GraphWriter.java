package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.SqlIdentifier;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes links into the graph tables inside the caller's transaction. Edges go in with COPY straight into the edge
 * table, as fast as the table allows; only if some are there already (a redelivery) is the COPY rolled back to a
 * savepoint and the edges inserted through a staging table with ON CONFLICT DO NOTHING. Endpoints are COPYed into
 * node_stage; {@link #mergeNodes} turns them into nodes once, where a node stays temporary only if every link that
 * names it says so.
 */
final class GraphWriter {

    static final short LINEAGE = 1;
    private static final String UNIQUE_VIOLATION = "23505";

    static void write(Connection connection, List<Link> links) throws SQLException {
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        var nodes = new StringBuilder(links.size() * 48);
        var edges = new StringBuilder(links.size() * 48);
        for (Link link : links) {
            row(nodes, link.sourceOtype(), link.source(), link.sourceTemp());
            row(nodes, link.targetOtype(), link.target(), link.targetTemp());
            edges.append(escape(link.sourceOtype())).append('\t').append(link.source()).append('\t')
                    .append(escape(link.targetOtype())).append('\t').append(link.target()).append('\t').append(LINEAGE).append('\n');
        }
        try {
            copy.copyIn("copy node_stage (otype, object_id, is_temp) from stdin", new StringReader(nodes.toString()));
            var savepoint = connection.setSavepoint();
            try {
                copy.copyIn("copy edge (source_otype, source_id, target_otype, target_id, relation_type) from stdin",
                        new StringReader(edges.toString()));
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                connection.rollback(savepoint);
                mergeEdges(connection, copy, edges.toString());
            }
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into the lineage graph failed: " + e.getMessage(), "08006", e);
        }
    }

    /**
     * The link-nodes job's last step: staged endpoints become nodes, in one statement, and the stage is emptied;
     * returns the node count. Into an empty node table (a first migration) a plain sorted insert does the work of
     * the upsert at a fraction of its cost.
     */
    static long mergeNodes(Connection connection, String workMem) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            statement.execute("set local work_mem = '" + workMem.replaceAll("[^0-9A-Za-z]", "") + "'");
            boolean empty;
            try (var rs = statement.executeQuery("select not exists (select 1 from node)")) {
                rs.next();
                empty = rs.getBoolean(1);
            }
            String nodes = "select otype, object_id, bool_and(is_temp) from node_stage group by otype, object_id";
            String primaryKey = empty ? primaryKeyName(statement) : null;
            if (primaryKey != null) {
                // Nobody reads nodes before V3 is on: building the key once after the load is several times cheaper
                // than maintaining it row by row, and the transaction makes the swap invisible.
                statement.execute("alter table node drop constraint " + SqlIdentifier.quote(primaryKey));
                statement.execute("insert into node (otype, object_id, is_temp) " + nodes);
                statement.execute("alter table node add constraint " + SqlIdentifier.quote(primaryKey)
                        + " primary key (otype, object_id)");
            } else {
                statement.execute("insert into node (otype, object_id, is_temp) " + nodes + """
                         on conflict (otype, object_id) do update set is_temp = false
                        where node.is_temp and not excluded.is_temp""");
            }
            statement.execute("truncate node_stage");
            connection.commit();
            try (var rs = statement.executeQuery("select count(*) from node")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Removes what earlier runs wrote, before a run from the start: lineage edges, staged endpoints, nodes no other
     * edge names, and the V3 switch (V3 cannot be on while its graph is rebuilt). Null when there was nothing;
     * otherwise what was removed.
     */
    static String clear(Connection target, String v3Flag) throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try (var statement = target.createStatement()) {
            long others;
            try (var rs = statement.executeQuery("select count(*) from (select 1 from edge where relation_type <> " + LINEAGE
                    + " limit 1) e")) {
                rs.next();
                others = rs.getLong(1);
            }
            long edges;
            long nodes;
            if (others == 0) {
                try (var rs = statement.executeQuery("select (select count(*) from edge), (select count(*) from node)")) {
                    rs.next();
                    edges = rs.getLong(1);
                    nodes = rs.getLong(2);
                }
                statement.execute("truncate edge, node, node_stage");
            } else {
                edges = statement.executeUpdate("delete from edge where relation_type = " + LINEAGE);
                nodes = statement.executeUpdate("""
                        delete from node n where not exists (select 1 from edge e where e.source_otype = n.otype
                        and e.source_id = n.object_id) and not exists (select 1 from edge e where e.target_otype = n.otype
                        and e.target_id = n.object_id)""");
                statement.execute("truncate node_stage");
            }
            int flag;
            try (var ps = target.prepareStatement("delete from lineage_setting where name = ?")) {
                ps.setString(1, v3Flag);
                flag = ps.executeUpdate();
            }
            target.commit();
            return edges + nodes + flag == 0 ? null : "removed " + edges + " lineage edges and " + nodes + " nodes"
                    + (flag > 0 ? ", and switched lineage V3 off until validation passes" : "");
        } catch (SQLException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    private static String primaryKeyName(java.sql.Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("select conname from pg_constraint where conrelid = 'node'::regclass and contype = 'p'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void mergeEdges(Connection connection, org.postgresql.copy.CopyManager copy, String edges)
            throws SQLException, java.io.IOException {
        try (var statement = connection.createStatement()) {
            statement.execute("create temp table if not exists edge_stage (like edge) on commit delete rows");
        }
        copy.copyIn("copy edge_stage (source_otype, source_id, target_otype, target_id, relation_type) from stdin",
                new StringReader(edges));
        try (var statement = connection.createStatement()) {
            statement.execute("insert into edge select * from edge_stage on conflict do nothing");
        }
    }

    private static void row(StringBuilder out, String otype, long id, boolean temp) {
        out.append(escape(otype)).append('\t').append(id).append('\t').append(temp ? 't' : 'f').append('\n');
    }

    /** COPY text format: backslash, tab, newline and carriage return must be escaped. */
    static String escape(String value) {
        if (value == null) {
            return "\\N";
        }
        if (value.indexOf('\\') < 0 && value.indexOf('\t') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private GraphWriter() {
    }
}
