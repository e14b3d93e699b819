package io.catalogmigration.prune;

import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.StartPrune;

/** The prune service's commands, each to what carries it out. */
record PruneCommands(PrunePlanner planner, PruneCancel stop) {

    void handle(PruneCommand command) {
        if (command instanceof StartPrune start) {
            planner.start(start);
        } else if (command instanceof CancelPrune cancel) {
            stop.cancel(cancel);
        }
    }
}
