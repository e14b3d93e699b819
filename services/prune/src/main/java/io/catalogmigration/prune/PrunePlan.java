package io.catalogmigration.prune;

import java.util.List;

/** The plan a run records in the ledger before anything is deleted. */
record PrunePlan(List<TablePlan> tables, int batchSize, List<String> notes) {
}
