package io.catalogmigration.common.ledger;

/** The runbook's job statuses (numeric codes as the runbook lists them). */
public enum RunStatus {
    NA(0), SUCCEEDED(1), FAILED(2), SKIPPED(4);

    private final int code;

    RunStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
