package io.catalogmigration.console;

import io.catalogmigration.common.contract.OutcomeEvent;

/** Which service sent an outcome, for runs whose outcome arrives without any progress before it. */
final class Services {

    static String of(OutcomeEvent event) {
        String type = event.getClass().getSimpleName();
        if (type.startsWith("Prune")) return "prune";
        if (type.startsWith("Scan")) return "scan";
        if (type.startsWith("Lineage")) return "lineage-migrator";
        if (type.startsWith("Target") || type.startsWith("Provision")) return "provisioner";
        if (type.startsWith("Source") || type.startsWith("Replication")) return "replicator";
        if (type.startsWith("Cutover") || type.startsWith("Preflight") || type.startsWith("Fallback")) return "cutover";
        return "unknown";
    }

    private Services() {
    }
}
