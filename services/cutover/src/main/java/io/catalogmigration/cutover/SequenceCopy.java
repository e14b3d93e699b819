package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical replication does not carry sequences: each one's value, read on the source after writes stopped, is set on
 * the target, so the application's next id there follows the last one used on the source.
 */
class SequenceCopy {

    private final PgConnector connector;

    SequenceCopy(PgConnector connector) {
        this.connector = connector;
    }

    /** @return the sequences set on the target */
    int copy(PgEndpoint source, PgEndpoint target) throws SQLException, CutoverProblem {
        List<String[]> values = new ArrayList<>();
        try (Connection connection = connector.connect(source);
             var rs = connection.createStatement().executeQuery("""
                     select quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value::text from pg_sequences
                     where schemaname not in ('pg_catalog', 'information_schema') and last_value is not null order by 1""")) {
            while (rs.next()) {
                values.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        try (Connection connection = connector.connect(target)) {
            List<String> missing = new ArrayList<>();
            for (String[] sequence : values) {
                if (Sql.one(connection, "select to_regclass(?)::text", sequence[0]) == null) {
                    missing.add(sequence[0]);
                }
            }
            if (!missing.isEmpty()) {
                throw new CutoverProblem("COPY_SEQUENCES", "the target database " + target.database() + " lacks sequences "
                        + "the source has: " + missing, "the target's schema is incomplete: send ResetCutover and replicate again");
            }
            connection.setAutoCommit(false);
            try (var ps = connection.prepareStatement("select setval(?::regclass, ?::bigint, true)")) {
                for (String[] sequence : values) {
                    ps.setString(1, sequence[0]);
                    ps.setString(2, sequence[1]);
                    ps.executeQuery().close();
                }
            }
            connection.commit();
        }
        return values.size();
    }
}
