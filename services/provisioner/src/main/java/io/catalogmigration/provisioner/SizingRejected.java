package io.catalogmigration.provisioner;

/** The source cannot be given a target within the configured bounds. */
class SizingRejected extends ProvisionProblem {

    SizingRejected(String reason, String action) {
        super(reason, action, null);
    }
}
