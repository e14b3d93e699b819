package io.catalogmigration.cutover;

import io.catalogmigration.common.run.MigrationProblem;

import java.time.Duration;

/**
 * The hard limit on the downtime window: every wait inside the window is bounded by what is left of it, and each phase
 * starts only while some is left. Reached before the switch, the cutover aborts and releases the source.
 */
final class Deadline {

    private final Duration limit;
    private final long endsAt;
    private MigrationProblem ranOut;

    Deadline(long startedNanos, Duration limit) {
        this.limit = limit;
        this.endsAt = startedNanos + limit.toNanos();
    }

    Duration limit() {
        return limit;
    }

    Duration remaining() {
        long left = endsAt - System.nanoTime();
        return Duration.ofNanos(Math.max(0, left));
    }

    boolean expired() {
        return System.nanoTime() >= endsAt;
    }

    /** Throws when nothing is left, naming the phase that was about to start. */
    void check(String phase) throws MigrationProblem {
        if (expired()) {
            throw ranOut(phase, "before " + phase + " could start");
        }
    }

    /** The limit as the reason: the first phase it was reported in is kept, whatever failed after it. */
    MigrationProblem ranOut(String phase, String detail) {
        if (ranOut != null) {
            return ranOut;
        }
        ranOut = MigrationProblem.inPhase(phase, "the write downtime reached its limit of " + limit.toMillis() + " ms "
                + "(maxWriteDowntimeSeconds, or cutover.max-write-downtime) in " + phase + ": " + detail,
                "the source was released and the application keeps running on it; the outcome's phases say which took "
                        + "long: fix that (a slow hook, a lagging target), or send StartCutover again with a larger "
                        + "maxWriteDowntimeSeconds");
        return ranOut;
    }
}
