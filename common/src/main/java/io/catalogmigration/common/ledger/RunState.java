package io.catalogmigration.common.ledger;

/** The runbook's job states (numeric codes as the runbook lists them). */
public enum RunState {
    NOT_STARTED(0), QUEUED(1), STARTED(2), FINISHED(3);

    private final int code;

    RunState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
