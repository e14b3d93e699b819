package io.catalogmigration.common.run;

/**
 * A run that cannot go on: the reason in an operator's words and what to do about it, which become the run's
 * {@code *Failed} outcome. Optionally the phase it stopped in (the cutover's window) and the error code of the system
 * that refused (e.g. AWS's). Messages name resources and settings, never a secret.
 *
 * <p>One type for every service: the provisioner, the replicator and the cutover each had an identical one.
 */
public class MigrationProblem extends RuntimeException {

    private final String action;
    private final String phase;
    private final String code;

    public MigrationProblem(String reason, String action) {
        this(reason, action, null, null);
    }

    protected MigrationProblem(String reason, String action, String phase, String code) {
        super(reason);
        this.action = action;
        this.phase = phase;
        this.code = code;
    }

    /** A problem met in a named phase of a run (e.g. the cutover window's CATCH_UP). */
    public static MigrationProblem inPhase(String phase, String reason, String action) {
        return new MigrationProblem(reason, action, phase, null);
    }

    /** A problem the named system refused with its own error code, kept for the outcome (e.g. AWS's). */
    public static MigrationProblem withCode(String reason, String action, String code) {
        return new MigrationProblem(reason, action, null, code);
    }

    public String reason() {
        return getMessage();
    }

    public String action() {
        return action;
    }

    /** The phase the run stopped in, or null when the run has no phases. */
    public String phase() {
        return phase;
    }

    /** The refusing system's error code, or null. */
    public String code() {
        return code;
    }
}
