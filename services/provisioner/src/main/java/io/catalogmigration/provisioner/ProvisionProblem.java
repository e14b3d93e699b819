package io.catalogmigration.provisioner;

/**
 * Why a run cannot go on, and what the operator should do: becomes the run's {@code ProvisionFailed}. Messages
 * name resources and settings, never a secret.
 */
class ProvisionProblem extends RuntimeException {

    private final String action;
    private final String awsErrorCode;

    ProvisionProblem(String reason, String action, String awsErrorCode) {
        super(reason);
        this.action = action;
        this.awsErrorCode = awsErrorCode;
    }

    String reason() {
        return getMessage();
    }

    String action() {
        return action;
    }

    String awsErrorCode() {
        return awsErrorCode;
    }
}
