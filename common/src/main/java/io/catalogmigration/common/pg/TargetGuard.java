package io.catalogmigration.common.pg;

import io.catalogmigration.common.contract.PgEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The last look before a destructive step on a "target" (emptying its tables for the copy, dropping its databases):
 * is that server the source? A mistyped host or port, or a target endpoint copied from the source's, would otherwise
 * truncate or drop the catalog itself. Two signs:
 * <ul>
 *     <li>both servers report the same {@code system_identifier} ({@code pg_control_system()}, which any role may
 *     call): they are one cluster, or physical copies of it (a streaming replica of the source, which is no target
 *     either);</li>
 *     <li>when the identifiers cannot tell (one of the servers does not let it be read, or the source endpoint is not
 *     known, as in the local provider's deprovisioning): a database of that name on the target holds the migration's
 *     publication ({@code migration_<db>}, see {@link ReplicationNames}), which the replicator creates on the source.
 *     Two identifiers read and different are two clusters, and then the publications are not looked at: a target
 *     may hold a publication of its own for replicating back to the source after the cutover.</li>
 * </ul>
 * One check for every service; it reads only, and a refusal means nothing was changed.
 */
public final class TargetGuard {

    private static final Logger log = LoggerFactory.getLogger(TargetGuard.class);

    /** The "target" is the source: the destructive step was not taken. */
    public static final class TargetIsSource extends RuntimeException {

        private final String action;

        TargetIsSource(String reason, String action) {
            super(reason);
            this.action = action;
        }

        public String reason() {
            return getMessage();
        }

        public String action() {
            return action;
        }
    }

    /**
     * Throws {@link TargetIsSource} when {@code target} is the source's server or holds the migration's publication in
     * one of {@code databases}.
     *
     * @param source    an administrator of the source server on any database; null when the command names none
     * @param target    an administrator of the target server on its maintenance database
     * @param databases the databases about to be emptied or dropped on the target
     * @param doing     what would have happened, for the refusal, e.g. "drop database rosemeta"
     */
    public static void requireNotSource(PgConnector connector, PgEndpoint source, PgEndpoint target,
                                        Collection<String> databases, String doing) throws SQLException {
        try (Connection admin = connector.connect(target)) {
            String targetId = systemIdentifier(admin);
            String sourceId = null;
            if (source != null) {
                try (Connection sourceConnection = connector.connect(source)) {
                    sourceId = systemIdentifier(sourceConnection);
                }
                if (targetId != null && targetId.equals(sourceId)) {
                    throw refusal(target, doing, "it is the source server itself: both " + source.describe() + " and "
                            + target.describe() + " report system identifier " + targetId
                            + " (the same cluster, or a physical copy of it)");
                }
            }
            if (targetId != null && sourceId != null) {
                return;
            }
            log.info("The system identifier of {} is not known: the migration's publications tell the target from the source",
                    source == null ? "the source" : targetId == null ? target.describe() : source.describe());
            for (String database : databases) {
                if (!Sql.exists(admin, "select 1 from pg_database where datname = ?", database)) {
                    continue;
                }
                String publication = ReplicationNames.of(database).publication();
                try (Connection connection = connector.connect(target.withDatabase(database))) {
                    if (Sql.exists(connection, "select 1 from pg_publication where pubname = ?", publication)) {
                        throw refusal(target, doing, "its database " + database + " holds the migration's publication "
                                + publication + ", which the replicator creates on the source only");
                    }
                }
            }
        }
    }

    /** The cluster's identifier, or null when this role may not read it (nothing else depends on it). */
    static String systemIdentifier(Connection connection) throws SQLException {
        try {
            return Sql.one(connection, "select system_identifier::text from pg_control_system()");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState()) || "42883".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    private static TargetIsSource refusal(PgEndpoint target, String doing, String why) {
        return new TargetIsSource("refused to " + doing + " on " + target.describe() + ": " + why + "; nothing was changed",
                "check the target endpoint of the command (host, port): it must name the new server, never the source; "
                        + "then send the command again with a new commandId");
    }

    private TargetGuard() {
    }
}
