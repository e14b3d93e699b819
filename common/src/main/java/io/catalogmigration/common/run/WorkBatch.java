package io.catalogmigration.common.run;

import io.catalogmigration.common.kafka.InvalidMessageException;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;

import java.util.Optional;
import java.util.UUID;

/**
 * The batch a work message names, with its run: how every fan-out worker (prune, scan, the replicator's copy, index
 * and verification workers) starts. A work message carries ids only; what to do is read here from the ledger.
 */
public record WorkBatch(Run run, Batch batch) {

    /**
     * The run and batch {@code (runId, seq)} name; empty when the run is finished (done, failed or superseded: its
     * messages still in flight are dropped). A message naming a run or batch the ledger does not know is invalid: it is
     * dead-lettered with the reason, never retried.
     */
    public static Optional<WorkBatch> find(RunLedger ledger, UUID runId, int seq) {
        var run = ledger.find(runId).orElseThrow(() -> new InvalidMessageException(
                "work message " + seq + " names run " + runId + ", which this ledger does not know"));
        if (run.finished()) {
            return Optional.empty();
        }
        var batch = ledger.batch(runId, seq).orElseThrow(() -> new InvalidMessageException(
                "work message " + seq + " of run " + runId + " was never planned in this ledger"));
        return Optional.of(new WorkBatch(run, batch));
    }
}
