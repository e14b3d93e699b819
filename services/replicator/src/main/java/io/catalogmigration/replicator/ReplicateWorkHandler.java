package io.catalogmigration.replicator;

import io.catalogmigration.common.kafka.InvalidMessageException;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.WorkBatch;

/**
 * Takes one work message to the worker of its run's kind: a snapshot copy's chunks, index builds, or an online
 * verification's chunks. A run
 * already finished (done, failed, or superseded by a newer copy), or a batch already done, has nothing left to do:
 * the message is dropped.
 */
record ReplicateWorkHandler(RunLedger ledger, CopyWorker copies, IndexWorker indexes, VerifyWorker verifications) {

    void handle(ReplicateWork work) {
        var found = WorkBatch.find(ledger, work.runId(), work.seq());
        if (found.isEmpty() || found.get().batch().isDone()) {
            return;
        }
        var run = found.get().run();
        var batch = found.get().batch();
        switch (run.kind()) {
            case SnapshotCopier.KIND -> copies.handle(run, batch);
            case PostDataApplier.KIND -> indexes.handle(run, batch);
            case OnlineVerification.KIND -> verifications.handle(run, batch);
            default -> throw new InvalidMessageException("work message " + work.seq() + " names run " + work.runId()
                    + " of kind " + run.kind() + ", which is not replicator work");
        }
    }

    /**
     * A name for one worker, recorded with each chunk it copied or verified: how the work spread over the consumer
     * group (host, process and a random part, so that two services in one JVM, as in tests, differ).
     */
    static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
