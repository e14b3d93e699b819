package io.catalogmigration.replicator;

/** A step that cannot go on: the reason in an operator's words and what to do. Never carries a secret. */
class ReplicationProblem extends RuntimeException {

    private final String action;

    ReplicationProblem(String reason, String action) {
        super(reason);
        this.action = action;
    }

    String action() {
        return action;
    }
}
