package io.catalogmigration.testkit;

/**
 * How much sample catalog to generate. Mentions are per event and per mention table (there are
 * three); metric rows are per metrics table (there are two).
 */
public record SampleSize(int sessions, int eventsPerSession, int mentionsPerEvent, int changeStats,
                         int metricRows, int tables, int attributesPerTable, int lineageLinks,
                         double lineageDuplicateFraction) {

    static final int MENTION_TABLES = 3;
    static final int METRICS_TABLES = 2;

    public SampleSize {
        requireNotNegative("sessions", sessions);
        requireNotNegative("eventsPerSession", eventsPerSession);
        requireNotNegative("mentionsPerEvent", mentionsPerEvent);
        requireNotNegative("changeStats", changeStats);
        requireNotNegative("metricRows", metricRows);
        requireNotNegative("tables", tables);
        requireNotNegative("attributesPerTable", attributesPerTable);
        requireNotNegative("lineageLinks", lineageLinks);
        if (!(lineageDuplicateFraction >= 0 && lineageDuplicateFraction < 1)) {
            throw new IllegalArgumentException("lineageDuplicateFraction must be in [0, 1): " + lineageDuplicateFraction);
        }
    }

    /** A few MB: quick enough for every integration test. */
    public static SampleSize tiny() {
        return new SampleSize(200, 5, 2, 2_000, 3_000, 50, 10, 2_000, 0.2);
    }

    /** Tens of MB: enough for batching and throttling to show. */
    public static SampleSize small() {
        return new SampleSize(5_000, 5, 2, 20_000, 25_000, 500, 20, 50_000, 0.2);
    }

    /**
     * About {@code approxPrunableRows} rows across the prunable tables, for benchmarks: four fifths
     * in the session/event/mention tree (as in production, where mentions dominate), a tenth each
     * in change stats and the metrics tables. Catalog and lineage tables grow along, more slowly.
     */
    public static SampleSize ofRows(long approxPrunableRows) {
        if (approxPrunableRows < 1) {
            throw new IllegalArgumentException("approxPrunableRows must be positive: " + approxPrunableRows);
        }
        int eventsPerSession = 5;
        int mentionsPerEvent = 2;
        long rowsPerSession = 1 + eventsPerSession + (long) MENTION_TABLES * eventsPerSession * mentionsPerEvent;
        return new SampleSize(
                toInt(Math.max(1, Math.round(approxPrunableRows * 0.8 / rowsPerSession))),
                eventsPerSession,
                mentionsPerEvent,
                toInt(Math.round(approxPrunableRows * 0.1)),
                toInt(Math.round(approxPrunableRows * 0.1 / METRICS_TABLES)),
                toInt(clamp(approxPrunableRows / 1_000, 50, 20_000)),
                10,
                toInt(clamp(approxPrunableRows / 10, 2_000, 2_000_000)),
                0.2);
    }

    public long events() {
        return (long) sessions * eventsPerSession;
    }

    /** Rows in each of the three mention tables. */
    public long mentionsPerTable() {
        return events() * mentionsPerEvent;
    }

    public long attributes() {
        return (long) tables * attributesPerTable;
    }

    /** Rows that repeat an earlier link's (source, source_otype, target, target_otype). */
    public int lineageDuplicates() {
        // at least one original must remain to be duplicated
        return (int) Math.min(Math.round(lineageLinks * lineageDuplicateFraction), Math.max(0, lineageLinks - 1));
    }

    /** Rows across all tables a retention policy prunes. */
    public long prunableRows() {
        return sessions + events() + MENTION_TABLES * mentionsPerTable() + changeStats + (long) METRICS_TABLES * metricRows;
    }

    private static void requireNotNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static int toInt(long value) {
        return Math.toIntExact(value);
    }
}
