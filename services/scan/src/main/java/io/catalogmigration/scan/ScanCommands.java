package io.catalogmigration.scan;

import io.catalogmigration.common.contract.CancelScan;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.StartScan;

/** The scan service's commands, each to what carries it out. */
record ScanCommands(ScanPlanner planner, ScanCancel stop) {

    void handle(ScanCommand command) {
        if (command instanceof StartScan start) {
            planner.start(start);
        } else if (command instanceof CancelScan cancel) {
            stop.cancel(cancel);
        }
    }
}
