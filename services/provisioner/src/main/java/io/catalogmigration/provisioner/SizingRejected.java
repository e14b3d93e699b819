package io.catalogmigration.provisioner;

import io.catalogmigration.common.run.MigrationProblem;

/** The source cannot be given a target within the configured bounds. */
class SizingRejected extends MigrationProblem {

    SizingRejected(String reason, String action) {
        super(reason, action);
    }
}
