package io.catalogmigration.cutover;

/** A cutover step that cannot go on: the phase it stopped in, the reason and what the operator should do. */
class CutoverProblem extends Exception {

    private final String phase;
    private final String action;

    CutoverProblem(String phase, String reason, String action) {
        super(reason);
        this.phase = phase;
        this.action = action;
    }

    String phase() {
        return phase;
    }

    String action() {
        return action;
    }
}
