package io.catalogmigration.common.run;

/**
 * A test-only hook for crash tests: a process started with {@code -Dcatalog-migration.pause-at=<point>} stops the
 * thread that reaches that point, says so on its standard output ({@code PAUSED AT <point>}) and keeps it there until
 * the process is killed. That lets a test kill a service at an exact place (e.g. between the broker's ack of an outcome
 * and its mark in the outbox) instead of hoping a timer lands there. Without the property it does nothing.
 */
public final class PausePoint {

    public static final String PROPERTY = "catalog-migration.pause-at";
    public static final String SAID = "PAUSED AT ";

    /** Recorded in the outbox, not yet sent (the relay has not begun). */
    public static final String OUTCOME_RECORDED = "outcome-recorded";
    /** Acknowledged by the broker, not yet marked sent in the outbox. */
    public static final String OUTCOME_SENT = "outcome-sent";

    public static void reach(String point) {
        if (!point.equals(System.getProperty(PROPERTY))) {
            return;
        }
        System.out.println(SAID + point);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // only a kill ends a pause: a graceful stop would finish what the test wants interrupted
            }
        }
    }

    private PausePoint() {
    }
}
