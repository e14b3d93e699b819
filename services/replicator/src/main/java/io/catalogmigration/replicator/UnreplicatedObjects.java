package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.unreplicated.LargeObjects;
import io.catalogmigration.common.unreplicated.MaterializedViews;
import io.catalogmigration.common.unreplicated.UnloggedTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The replicator's share of what logical replication does not carry. At START: the large objects are copied with the
 * initial copy, and the notes say what happens to materialized views and unlogged tables. At each CHECK: the large
 * objects changed, added or deleted on the source since are carried over; once every table is ready and the post-data
 * is built, the materialized views the source holds populated are refreshed on the target, once. The cutover's window
 * carries the last changes of all three (see the cutover's UnreplicatedCopy).
 */
record UnreplicatedObjects(PgConnector connector) {

    private static final Logger log = LoggerFactory.getLogger(UnreplicatedObjects.class);

    /** Copies the large objects and says, in notes, what becomes of each kind of object replication does not carry. */
    List<String> atStart(PgEndpoint source, PgEndpoint target) throws SQLException {
        List<String> notes = new ArrayList<>();
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            var synced = sync(s, t);
            if (synced.count() > 0) {
                notes.add("large objects: %d (%,d bytes) copied with their owners and privileges (%d by this command); those "
                        .formatted(synced.count(), synced.bytes(), synced.copied()) + "changed, added or deleted later are carried by each CheckReplication "
                        + "and, with writes stopped, by the cutover's window, which compares every one by content hash");
            }
            for (var view : MaterializedViews.list(s)) {
                notes.add(view.populated()
                        ? "materialized view " + view.label() + ": populated on the target by CheckReplication once every "
                                + "table is ready, refreshed again in the cutover's window and compared there with its "
                                + "query on the source"
                        : "materialized view " + view.label() + " is WITH NO DATA on the source (not populated): it stays "
                                + "unpopulated on the target");
            }
            for (var table : UnloggedTables.list(s)) {
                notes.add("unlogged table " + table.label() + " (%,d bytes) cannot be replicated: it is created empty on the "
                        .formatted(table.bytes()) + "target and its rows are copied in the cutover's window "
                        + "(cutover.unlogged-tables: copy), unless the operator chose to leave it empty");
            }
        }
        return notes;
    }

    /**
     * @param ready every table is ready and every post-data step done: the target's tables hold the source's rows,
     *              with their indexes, so the views can be populated
     */
    List<CopiedObject> atCheck(PgEndpoint source, PgEndpoint target, boolean ready) throws SQLException {
        List<CopiedObject> objects = new ArrayList<>();
        String database = target.database();
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            var synced = sync(s, t);
            if (synced.count() > 0 || synced.deleted() > 0) {
                objects.add(new CopiedObject(database, CopiedObject.LARGE_OBJECTS, null, synced.count(), synced.bytes(),
                        synced.millis(), synced.problems().isEmpty(), synced.describe()));
            }
            var onTarget = MaterializedViews.list(t);
            Set<String> populatedOnSource = MaterializedViews.list(s).stream().filter(MaterializedViews.View::populated)
                    .map(MaterializedViews.View::label).collect(Collectors.toSet());
            var refreshed = MaterializedViews.lastRefresh(t);
            for (var view : onTarget) {
                objects.add(view(t, database, view, populatedOnSource.contains(view.label()), ready, refreshed.get(view.label())));
            }
        }
        return objects;
    }

    private static CopiedObject view(Connection target, String database, MaterializedViews.View view, boolean populate,
                                     boolean ready, Long lastRefresh) {
        if (!populate) {
            return new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), 0, 0, 0, !view.populated(),
                    "WITH NO DATA on the source: left unpopulated on the target");
        }
        if (!ready) {
            return new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), 0, 0, 0, false,
                    "populated once every table is ready and the post-data is built");
        }
        try {
            boolean refresh = lastRefresh == null || !view.populated();
            long millis = refresh ? MaterializedViews.refresh(target, view) : lastRefresh;
            if (refresh) {
                log.info("Materialized view {} of {} refreshed on the target in {} ms", view.label(), database, millis);
            }
            long rows = Long.parseLong(Sql.one(target, "select count(*)::text from " + view.name()));
            return new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), rows, 0, millis, true,
                    "refreshed on the target after the initial copy in " + millis + " ms; refreshed again in the cutover's "
                            + "window and compared there with its query on the source");
        } catch (SQLException e) {
            log.error("Materialized view {} of {} could not be refreshed on the target: {}", view.label(), database,
                    PgErrors.serverMessage(e));
            return new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), 0, 0, 0, false,
                    "REFRESH failed on the target: " + PgErrors.serverMessage(e) + "; fix the cause, the next CheckReplication "
                            + "tries again");
        }
    }

    private static LargeObjects.Synced sync(Connection source, Connection target) throws SQLException {
        var synced = LargeObjects.sync(source, target);
        if (!synced.problems().isEmpty()) {
            throw new MigrationProblem("large objects differ on the target right after they were copied: "
                    + synced.problems().stream().limit(5).toList(),
                    "check the target's free space and log, then send the command again: every large object that differs is "
                            + "copied again");
        }
        return synced;
    }
}
