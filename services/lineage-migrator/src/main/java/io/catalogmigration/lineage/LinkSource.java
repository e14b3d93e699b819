package io.catalogmigration.lineage;

import io.catalogmigration.common.pg.Catalog;
import io.catalogmigration.common.pg.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Reads the V2 links: a link is a distinct (source, source_otype, target, target_otype); its ends are temporary only
 * if every row of it says so. The order is stable (by the link itself), so a count of links is a position.
 */
final class LinkSource {

    private final Catalog.Table table;
    private final String sourceTemp;
    private final String targetTemp;

    private LinkSource(Catalog.Table table) {
        this.table = table;
        this.sourceTemp = table.column("source_is_temp").isPresent() ? "bool_and(source_is_temp)" : "false";
        this.targetTemp = table.column("target_is_temp").isPresent() ? "bool_and(target_is_temp)" : "false";
    }

    /** Gives this session room to sort and group the links in memory (the setting lasts for the session only). */
    static void workMem(Connection connection, String workMem) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("set work_mem = '" + workMem.replaceAll("[^0-9A-Za-z]", "") + "'");
        }
    }

    /** Null when the table is missing or lacks a link column. */
    static LinkSource find(Connection connection, TableName name) throws SQLException {
        var table = Catalog.find(connection, name);
        if (table.isEmpty()) {
            return null;
        }
        for (String column : new String[]{"source", "source_otype", "target", "target_otype"}) {
            if (table.get().column(column).isEmpty()) {
                return null;
            }
        }
        return new LinkSource(table.get());
    }

    /** Whether the connection's user may read the links: checked before anything is created anywhere. */
    boolean readable(Connection connection) throws SQLException {
        try (var ps = connection.prepareStatement("select has_table_privilege(?::oid, 'SELECT')")) {
            ps.setLong(1, table.oid());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    long totalBytes(Connection connection) throws SQLException {
        try (var ps = connection.prepareStatement("select pg_total_relation_size(?::oid)")) {
            ps.setLong(1, table.oid());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long distinctLinks(Connection connection) throws SQLException {
        try (var statement = connection.createStatement();
             var rs = statement.executeQuery("select count(*) from (select 1 from " + table.name().quoted()
                     + " group by source, source_otype, target, target_otype) links")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Streams the links from position {@code from} on, in the stable order, through a server-side cursor. */
    void stream(Connection connection, long from, Consumer<Link> sink) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (var ps = connection.prepareStatement("select source, source_otype, target, target_otype, " + sourceTemp + ", "
                + targetTemp + " from " + table.name().quoted()
                + " group by source, source_otype, target, target_otype order by source, source_otype, target, target_otype offset ?")) {
            ps.setFetchSize(10_000);
            ps.setLong(1, from);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new Link(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getBoolean(5), rs.getBoolean(6)));
                }
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
