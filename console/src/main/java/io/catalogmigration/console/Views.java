package io.catalogmigration.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The JSON API's shapes: what the page shows, for other dashboards and scripts too (docs/architecture.md). */
final class Views {

    /** One migration in the list. {@code state} is running, failed or succeeded (of its latest finished step). */
    record MigrationSummary(String id, String state, boolean cutOver, int steps, int running, int failed,
                            Instant firstEventAt, Instant lastEventAt, String current) {
    }

    record MigrationDetail(MigrationSummary summary, List<StepView> steps) {
    }

    /**
     * One step of the runbook as it ran: one run, or every replication check of one database taken together.
     *
     * @param state    RUNNING, SUCCEEDED or FAILED
     * @param runIds   the run; for the checks, only the latest one's
     * @param outcome  the outcome's type, null while running
     * @param facts    the outcome's figures (see {@link Verdict}); for the checks, also how many there were
     */
    record StepView(String key, String service, String title, String state, Instant startedAt, Instant endedAt,
                    long durationMillis, List<UUID> runIds, String outcome, String reason, String action,
                    Map<String, Object> facts, List<PhaseView> phases) {
    }

    /** A phase's latest report. {@code percent} is null when the total is unknown (0). */
    record PhaseView(String phase, long done, long total, String unit, Integer percent, double ratePerSecond,
                     Long etaSeconds, String message, Instant at) {
    }

    /**
     * @param brokerReachable whether the broker answered the last check
     * @param checkedAt       when it was asked last; null before the first answer or timeout
     * @param problem         why it is not reachable, as the client said it
     * @param lastEventAt     when the last event was read (the event's own time)
     * @param unreadable      records on the topics that could not be read as events (skipped)
     */
    record ConsoleStatus(String bootstrapServers, boolean brokerReachable, Instant checkedAt, String problem,
                         Instant lastEventAt, long eventsRead, long unreadable) {
    }

    private Views() {
    }
}
