package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.KeySpreader;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.run.MigrationProblem;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A run whose batches go to the work topic's consumers (every instance's), seen from the thread that planned it:
 * publish what was never sent, then wait for the workers to finish it.
 */
final class WorkRuns {

    /**
     * Publishes the run's batches never sent (all of them, or those a crash between planning and publishing left),
     * spread over {@code partitions}, recording each as published once the broker has them all.
     */
    static void publishPending(RunLedger ledger, MessagePublisher publisher, UUID runId, int partitions) {
        var batches = ledger.batches(runId, 0, Batch.PLANNED);
        CompletableFuture.allOf(batches.stream().map(batch -> publisher.sendAsync(Topics.REPLICATE_WORK,
                KeySpreader.key(runId.toString(), batch.seq(), partitions), new ReplicateWork(runId, batch.seq())))
                .toArray(CompletableFuture[]::new)).join();
        batches.forEach(b -> ledger.markPublished(runId, b.seq()));
    }

    /**
     * Waits until the workers finished the run, and returns it; throws when a worker failed it (its reason), or when
     * none of its batches finished for {@code stall} (then the run is failed here: a message that keeps failing goes
     * to the dead-letter topic and would never finish it), or when the service stops.
     *
     * @param what   what the run does, for the reason ("the snapshot copy")
     * @param action what the operator does about a failure
     */
    static Run await(RunLedger ledger, UUID runId, Duration stall, String what, String action) {
        long done = -1;
        int open = -1;
        long lastChange = System.nanoTime();
        while (true) {
            var run = ledger.find(runId).orElseThrow();
            if (run.finished()) {
                if (run.status() != RunStatus.SUCCEEDED) {
                    throw new MigrationProblem(what + " stopped: " + run.stateMessage(), action);
                }
                return run;
            }
            int left = ledger.batches(runId, 0, Batch.PUBLISHED).size();
            if (run.done() != done || left != open) {
                done = run.done();
                open = left;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stall.toNanos()) {
                String reason = "no work message finished for " + stall + " (" + left + " still open)";
                ledger.finish(runId, RunStatus.FAILED, reason, "{}");
                throw new MigrationProblem(what + " stopped: " + reason, "look for the cause in the replicator instances' "
                        + "logs and on " + Topics.deadLetter(Topics.REPLICATE_WORK) + ", fix it, then " + action);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the service stops: the command's run stays unfinished
                throw new MigrationProblem(what + " was interrupted: the service is stopping", action);
            }
        }
    }

    private WorkRuns() {
    }
}
