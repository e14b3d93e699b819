package io.catalogmigration.lineage;

import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes links into the graph tables inside the caller's transaction. Edges go in with COPY straight into the edge
 * table, as fast as the table allows; only if some are there already (a redelivery) is the COPY rolled back to a
 * savepoint and the edges inserted through a staging table with ON CONFLICT DO NOTHING. Nodes always merge, and
 * a node stays temporary only while every link seen so far says it is.
 */
final class GraphWriter {

    static final short LINEAGE = 1;
    private static final String UNIQUE_VIOLATION = "23505";

    static void write(Connection connection, List<Link> links) throws SQLException {
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        try (var statement = connection.createStatement()) {
            statement.execute("create temp table if not exists node_stage (otype text, object_id bigint, is_temp boolean) on commit delete rows");
        }
        var nodes = new StringBuilder(links.size() * 48);
        var edges = new StringBuilder(links.size() * 48);
        for (Link link : links) {
            row(nodes, link.sourceOtype(), link.source(), link.sourceTemp());
            row(nodes, link.targetOtype(), link.target(), link.targetTemp());
            edges.append(escape(link.sourceOtype())).append('\t').append(link.source()).append('\t')
                    .append(escape(link.targetOtype())).append('\t').append(link.target()).append('\t').append(LINEAGE).append('\n');
        }
        try {
            copy.copyIn("copy node_stage from stdin", new StringReader(nodes.toString()));
            try (var statement = connection.createStatement()) {
                statement.execute("""
                        insert into node (otype, object_id, is_temp)
                        select otype, object_id, bool_and(is_temp) from node_stage group by otype, object_id order by otype, object_id
                        on conflict (otype, object_id) do update set is_temp = false
                        where node.is_temp and not excluded.is_temp""");
            }
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
