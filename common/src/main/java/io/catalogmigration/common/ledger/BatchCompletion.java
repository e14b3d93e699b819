package io.catalogmigration.common.ledger;

/**
 * What marking a batch done changed.
 *
 * @param counted          false when the batch was already done (a redelivery): nothing was added
 * @param runDone          the run's done count after this batch
 * @param openInPhase      batches of this batch's phase still not done
 */
public record BatchCompletion(boolean counted, long runDone, long planned, int phase, long openInPhase) {

    public boolean phaseComplete() {
        return counted && openInPhase == 0;
    }
}
