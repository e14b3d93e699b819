package io.catalogmigration.scan;

import java.sql.Connection;
import java.sql.SQLException;

/** The number of heap blocks of a table now (it grows while the application writes, and VACUUM may shrink it). */
final class Blocks {

    static long current(Connection connection, long oid) throws SQLException {
        try (var ps = connection.prepareStatement(
                "select pg_relation_size(?::oid::regclass) / current_setting('block_size')::bigint")) {
            ps.setLong(1, oid);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String tid(long block, int offset) {
        return "(" + block + "," + offset + ")";
    }

    private Blocks() {
    }
}
