package io.catalogmigration.common.contract;

import java.util.List;
import java.util.Map;

/**
 * How big the target must be, and why.
 *
 * @param storageGb             allocated storage in GiB: twice the source databases, at least the minimum
 * @param instanceClass         the RDS instance class for the object count and user load
 * @param migrationWorkers      parallel workers the later steps may use (from the source's CPUs)
 * @param replicationParameters the target's logical-replication settings, sized from the workers
 * @param reasoning             one line per decision, in an operator's words
 */
public record TargetPlan(int storageGb, String instanceClass, int migrationWorkers,
                         Map<String, String> replicationParameters, SizingInputs inputs, List<String> reasoning) {
}
