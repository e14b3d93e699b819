package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CopiedObject;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.unreplicated.BothSides;
import io.catalogmigration.common.unreplicated.LargeObjects;
import io.catalogmigration.common.unreplicated.MaterializedViews;
import io.catalogmigration.common.unreplicated.UnloggedTables;
import io.catalogmigration.common.verify.RowHashing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The window's phase COPY_UNREPLICATED, with writes stopped and the target caught up: what logical replication does
 * not carry is made the source's and compared. The large objects changed since the replicator's last check are
 * copied, those gone are deleted, and every one is compared by content hash, owner and privileges; each materialized
 * view the source holds populated is refreshed on the target and compared with its defining query run on the source
 * (the source's own view may be stale: a note says so); each unlogged table is copied (TRUNCATE, then COPY) and
 * compared by count and row hash, unless {@code cutover.unlogged-tables: leave-empty}. A difference stops the window
 * like a row that differs: the source is released. Every statement is bounded by what is left of the window.
 */
record UnreplicatedCopy(PgConnector connector, CutoverProperties settings) {

    /** What was copied and compared, per object, and notes for the outcome. */
    record Result(List<CopiedObject> objects, List<String> notes) {
    }

    private record Refreshed(long millis, RowHashing.Checksum rows) {
    }

    static final String PHASE = "COPY_UNREPLICATED";
    private static final Logger log = LoggerFactory.getLogger(UnreplicatedCopy.class);

    Result inWindow(StartCutover command, Deadline deadline) throws SQLException, MigrationProblem {
        List<CopiedObject> objects = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String database : command.databases()) {
            deadline.check(PHASE);
            PgEndpoint source = command.source().withDatabase(database);
            PgEndpoint target = command.target().withDatabase(database);
            try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
                for (Connection c : List.of(s, t)) {
                    Sql.execute(c, "SET statement_timeout = " + Math.max(1, deadline.remaining().toMillis()));
                }
                largeObjects(s, t, database, objects);
                views(s, t, database, objects, notes);
                unloggedTables(s, t, database, objects);
            }
        }
        log.info("Copied what replication does not carry: {}", objects.stream().map(o -> o.database() + " " + o.kind()
                + (o.name() == null ? "" : " " + o.name()) + ": " + o.detail()).toList());
        return new Result(objects, notes);
    }

    private void largeObjects(Connection s, Connection t, String database, List<CopiedObject> objects)
            throws SQLException, MigrationProblem {
        if (!LargeObjects.any(s) && !LargeObjects.any(t)) {
            return;
        }
        long started = System.nanoTime();
        var synced = LargeObjects.sync(s, t);
        var compared = LargeObjects.compare(s, t, true);
        List<String> differences = new ArrayList<>(synced.problems());
        differences.addAll(compared.differences());
        if (!differences.isEmpty()) {
            throw MigrationProblem.inPhase(PHASE, database + ": " + differences.size() + " large object(s) differ with writes "
                    + "stopped: " + differences.stream().limit(5).toList(), "the source was released and the target keeps "
                    + "replicating; something wrote large objects on the target: stop it, send CheckReplication (it copies "
                    + "them again), then RunPreflight and StartCutover");
        }
        objects.add(new CopiedObject(database, CopiedObject.LARGE_OBJECTS, null, compared.count(), compared.bytes(),
                (System.nanoTime() - started) / 1_000_000, true, "%d copied (%,d bytes) and %d deleted in the window, "
                .formatted(synced.copied(), synced.bytesCopied(), synced.deleted()) + "owners and privileges set for "
                + synced.metadataSet() + " more; all " + compared.count() + " equal in content (hashed in "
                + compared.hashMillis() + " ms), owner and privileges"));
    }

    private void views(Connection s, Connection t, String database, List<CopiedObject> objects, List<String> notes)
            throws SQLException, MigrationProblem {
        Set<String> populatedOnSource = MaterializedViews.list(s).stream().filter(MaterializedViews.View::populated)
                .map(MaterializedViews.View::label).collect(Collectors.toSet());
        for (var view : MaterializedViews.list(t)) {
            if (!populatedOnSource.contains(view.label())) {
                objects.add(new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), 0, 0, 0, !view.populated(),
                        "WITH NO DATA on the source: left unpopulated on the target"));
                continue;
            }
            // The source's side (its query, and its own view) and the target's (refresh, then read) at the same time.
            var both = BothSides.atOnce(() -> {
                RowHashing.prepareSession(s);
                return new RowHashing.Checksum[]{MaterializedViews.query(s, view), MaterializedViews.contents(s, view)};
            }, () -> {
                long took = MaterializedViews.refresh(t, view);
                RowHashing.prepareSession(t);
                return new Refreshed(took, MaterializedViews.contents(t, view));
            });
            var source = both.source();
            long millis = both.target().millis();
            var refreshed = both.target().rows();
            if (!refreshed.equals(source[0])) {
                throw MigrationProblem.inPhase(PHASE, database + ": materialized view " + view.label() + " refreshed on the target "
                        + "holds %,d rows (hash %s), its query on the source gives %,d rows (hash %s)".formatted(refreshed.rows(),
                        refreshed.sum(), source[0].rows(), source[0].sum()), "the source was released; a view whose query "
                        + "is not deterministic (now(), random(), an unordered LIMIT) cannot be compared: accept it as an "
                        + "exception, or change the view; otherwise the tables it reads differ: CheckReplication names them");
            }
            if (!source[1].equals(source[0])) {
                notes.add(database + ": materialized view " + view.label() + " was stale on the source (%,d rows there, %,d "
                        .formatted(source[1].rows(), source[0].rows()) + "from its query at the fence): the target holds its "
                        + "query's result");
            }
            objects.add(new CopiedObject(database, CopiedObject.MATERIALIZED_VIEW, view.label(), refreshed.rows(), 0, millis,
                    true, "refreshed in the window in " + millis + " ms; equal to its query run on the source with writes stopped"));
        }
    }

    private void unloggedTables(Connection s, Connection t, String database, List<CopiedObject> objects)
            throws SQLException, MigrationProblem {
        for (var table : UnloggedTables.list(s)) {
            if (!settings.copyUnloggedTables()) {
                objects.add(new CopiedObject(database, CopiedObject.UNLOGGED_TABLE, table.label(), 0, 0, 0, false,
                        "left empty (cutover.unlogged-tables: leave-empty): %,d bytes on the source not copied".formatted(table.bytes())));
                continue;
            }
            var copied = UnloggedTables.copy(s, t, table);
            if (!copied.equal()) {
                throw MigrationProblem.inPhase(PHASE, database + ": unlogged table " + table.label() + " differs after its copy: "
                        + copied.detail(), "the source was released; look for a writer on the target, then send StartCutover again");
            }
            objects.add(new CopiedObject(database, CopiedObject.UNLOGGED_TABLE, table.label(), copied.rows(), copied.bytes(),
                    copied.millis(), true, "copied in the window (TRUNCATE, COPY) in " + copied.millis()
                    + " ms; count and row hash equal"));
        }
    }
}
