package io.catalogmigration.provisioner;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.run.MigrationProblem;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what sizing needs from the source server: each database's size, its version, an object estimate. */
record SourceSurvey(PgConnector connector) {

    /**
     * @param serverVersion {@code server_version_num}, e.g. 150004
     * @param rowEstimate   live rows across the source database's own tables, from the statistics (no table scan)
     */
    record Facts(Map<String, Long> databaseBytes, int serverVersion, long rowEstimate) {

        int major() {
            return serverVersion / 10_000;
        }
    }

    Facts measure(PgEndpoint source, List<String> databases) {
        try (Connection connection = connector.connect(source)) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (String database : databases) {
                sizes.put(database, size(connection, source, database));
            }
            return new Facts(sizes, serverVersion(connection), rowEstimate(connection));
        } catch (SQLException e) {
            throw MigrationProblem.withCode("cannot measure the source " + source.describe() + ": " + ErrorText.message(e)
                    + " (SQLSTATE " + e.getSQLState() + ")", "check that the source is reachable from the provisioner and that "
                    + source.user() + " may connect to every database being moved, then send the command again with a new "
                    + "commandId; nothing was created", null);
        }
    }

    private static long size(Connection connection, PgEndpoint source, String database) throws SQLException {
        try (var ps = connection.prepareStatement("select pg_database_size(oid) from pg_database where datname = ?")) {
            ps.setString(1, database);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw MigrationProblem.withCode("database " + database + " does not exist on the source server "
                            + source.host() + ":" + source.port(), "point source at the server that holds every database in "
                            + "provisioner.databases (or change that setting), then send the command again; nothing was created", null);
                }
                return rs.getLong(1);
            }
        }
    }

    private static int serverVersion(Connection connection) throws SQLException {
        try (var rs = connection.createStatement().executeQuery("select current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The catalog's objects live in its tables' rows, so their live-row count bounds the object count from above.
     * reltuples is what ANALYZE saw, n_live_tup what the statistics collector counted since: the larger one is used
     * so a never-analyzed table still counts.
     */
    private static long rowEstimate(Connection connection) throws SQLException {
        try (var rs = connection.createStatement().executeQuery("""
                select coalesce(sum(greatest(c.reltuples::bigint, coalesce(s.n_live_tup, 0))), 0)
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                left join pg_stat_user_tables s on s.relid = c.oid
                where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')""")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
