package io.catalogmigration.common.ledger;

import java.time.Instant;
import java.util.UUID;

/** One run as the ledger has it; {@code command} and {@code plan} are the JSON the service stored. */
public record Run(UUID runId, String migrationId, String kind, RunState state, RunStatus status, String stage,
                  int phase, long planned, long done, String stateMessage, String command, String plan,
                  Instant startedAt, Instant finishedAt) {

    public boolean finished() {
        return state == RunState.FINISHED;
    }
}
