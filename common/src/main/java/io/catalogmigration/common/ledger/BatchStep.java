package io.catalogmigration.common.ledger;

/**
 * What one transaction of a work batch's step wrote in another database than the ledger (one of prune's key ranges),
 * recorded before that transaction commits: it counts only if that transaction committed, which only that database
 * can tell.
 *
 * @param step the step in its batch (e.g. the key range's index)
 * @param xid  the writing transaction's id on that database ({@code pg_current_xact_id()})
 * @param done what it wrote (rows deleted)
 */
public record BatchStep(int step, String xid, long done) {
}
