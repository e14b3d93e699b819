package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.unreplicated.LargeObjects;
import io.catalogmigration.common.unreplicated.MaterializedViews;
import io.catalogmigration.common.unreplicated.UnloggedTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Preflight for what logical replication does not carry, and what carrying it in the window will cost: the large
 * objects compared on both servers (a difference the source did not cause fails), the materialized views populated on
 * the target, and the unlogged tables' size with the time their copy will add to the window, measured by copying a
 * sample of each into the target inside a transaction that is rolled back. Nothing is changed on either server.
 */
record UnreplicatedChecks(PgConnector connector, CutoverProperties settings) {

    /** At most this much of each unlogged table is copied (and rolled back) to measure the rate. */
    static final long SAMPLE_BYTES = 64L << 20;

    /** @param limit the window's hard limit for the cutover this preflight is for */
    List<CutoverCheck> run(PgEndpoint source, PgEndpoint target, Duration limit) throws SQLException {
        String database = source.database();
        List<CutoverCheck> checks = new ArrayList<>();
        try (Connection s = connector.connect(source); Connection t = connector.connect(target)) {
            checks.add(largeObjects(database, s, t));
            checks.add(views(database, s, t));
            checks.add(unloggedTables(database, s, t, limit));
        }
        return checks;
    }

    private static CutoverCheck largeObjects(String database, Connection s, Connection t) throws SQLException {
        if (!LargeObjects.any(s) && !LargeObjects.any(t)) {
            return check(database, "large-objects", CutoverCheck.OK, "no large objects");
        }
        var compared = LargeObjects.compare(s, t, false);
        if (!compared.differences().isEmpty()) {
            return check(database, "large-objects", CutoverCheck.FAILED, compared.differences().size() + " large object(s) "
                    + "differ on the target although the source did not change them since they were copied (written on the "
                    + "target?): " + compared.differences().stream().limit(5).toList() + "; send CheckReplication: it "
                    + "copies them again");
        }
        return check(database, "large-objects", CutoverCheck.OK, "%d large objects (%,d bytes): content, owners and "
                .formatted(compared.count(), compared.bytes()) + "privileges equal on the target; %d changed on the source "
                .formatted(compared.pending()) + "since the last CheckReplication (%,d bytes) are copied in the window; "
                .formatted(compared.pendingBytes()) + "hashing both servers took " + compared.hashMillis()
                + " ms and the window does it again");
    }

    private static CutoverCheck views(String database, Connection s, Connection t) throws SQLException {
        var onSource = MaterializedViews.list(s);
        if (onSource.isEmpty()) {
            return check(database, "materialized-views", CutoverCheck.OK, "no materialized views");
        }
        Set<String> populatedOnTarget = MaterializedViews.list(t).stream().filter(MaterializedViews.View::populated)
                .map(MaterializedViews.View::label).collect(Collectors.toSet());
        Map<String, Long> refreshed = MaterializedViews.lastRefresh(t);
        List<String> populated = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        long millis = 0;
        for (var view : onSource) {
            if (!view.populated()) {
                noData.add(view.label());
            } else if (populatedOnTarget.contains(view.label())) {
                long last = refreshed.getOrDefault(view.label(), 0L);
                millis += last;
                populated.add(view.label() + " (last refresh " + last + " ms)");
            } else {
                missing.add(view.label());
            }
        }
        String noDataLine = noData.isEmpty() ? "" : "; WITH NO DATA on the source, left unpopulated: " + noData;
        if (!missing.isEmpty()) {
            return check(database, "materialized-views", CutoverCheck.FAILED, "not populated on the target yet: " + missing
                    + "; send CheckReplication until it reports STOP_WAITING (it populates them once every table is ready)"
                    + noDataLine);
        }
        return check(database, "materialized-views", CutoverCheck.OK, "populated on the target: " + populated
                + "; the window refreshes them again (about " + millis + " ms) and compares each with its query on the "
                + "source" + noDataLine);
    }

    private CutoverCheck unloggedTables(String database, Connection s, Connection t, Duration limit) throws SQLException {
        var tables = UnloggedTables.list(s);
        if (tables.isEmpty()) {
            return check(database, "unlogged-tables", CutoverCheck.OK, "no unlogged tables");
        }
        long bytes = tables.stream().mapToLong(UnloggedTables.Table::bytes).sum();
        String named = tables.stream().map(table -> table.label() + " (" + megabytes(table.bytes()) + ")").toList().toString();
        if (!settings.copyUnloggedTables()) {
            return check(database, "unlogged-tables", CutoverCheck.WARNING, named + " stay empty on the target "
                    + "(cutover.unlogged-tables: leave-empty): " + megabytes(bytes) + " of rows are not carried");
        }
        long estimate = 0;
        long sampled = 0;
        long sampleMillis = 0;
        for (var table : tables) {
            var sample = UnloggedTables.sample(s, t, table, SAMPLE_BYTES);
            estimate += sample.estimateMillis(table.bytes());
            sampled += sample.tableBytes();
            sampleMillis += sample.millis();
        }
        String detail = named + ", " + megabytes(bytes) + " in all: copied in the window, about "
                + String.format(Locale.ROOT, "%.1f", estimate / 1000.0) + " s in the window " + "(measured: %s copied in %d ms and rolled back), plus a count and hash of "
                .formatted(megabytes(sampled), sampleMillis) + "their rows on both servers";
        if (estimate >= limit.toMillis()) {
            return check(database, "unlogged-tables", CutoverCheck.FAILED, detail + "; that is more than the window's limit "
                    + "of " + limit.toSeconds() + " s: give StartCutover a larger maxWriteDowntimeSeconds, or set "
                    + "cutover.unlogged-tables: leave-empty if the application can start with them empty");
        }
        return check(database, "unlogged-tables", CutoverCheck.OK, detail + "; the window's limit is " + limit.toSeconds() + " s");
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static CutoverCheck check(String database, String check, String status, String detail) {
        return new CutoverCheck(database, check, status, detail);
    }
}
