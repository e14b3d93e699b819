package io.catalogmigration.provisioner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The target's logical-replication settings. The target subscribes to one publication per database; each
 * subscription has an apply worker and copies tables with up to {@code workers} sync workers at once.
 */
final class ReplicationParameters {

    /** PostgreSQL's own defaults for slots, senders and background workers: never go below them. */
    private static final int POSTGRES_DEFAULT = 10;
    private static final int DEFAULT_WORKER_PROCESSES = 8;

    static Map<String, String> forWorkers(int workers, int subscriptions) {
        int replicationWorkers = subscriptions * (1 + workers);
        Map<String, String> parameters = new LinkedHashMap<>();
        // Lets the target publish too, so changes can flow back to the source if a cutover is rolled back.
        parameters.put("rds.logical_replication", "1");
        parameters.put("max_logical_replication_workers", Integer.toString(replicationWorkers));
        parameters.put("max_sync_workers_per_subscription", Integer.toString(workers));
        // Replication workers are background workers: leave PostgreSQL's default 8 for everything else.
        parameters.put("max_worker_processes", Integer.toString(replicationWorkers + DEFAULT_WORKER_PROCESSES));
        // A subscriber tracks one replication origin per subscription and table sync; each takes a slot.
        parameters.put("max_replication_slots", Integer.toString(Math.max(POSTGRES_DEFAULT, replicationWorkers)));
        parameters.put("max_wal_senders", Integer.toString(Math.max(POSTGRES_DEFAULT, replicationWorkers)));
        return parameters;
    }

    static String explain(int workers, int subscriptions) {
        return "logical replication: " + subscriptions + " subscriptions x (1 apply + " + workers + " sync workers) = "
                + subscriptions * (1 + workers) + " replication workers; slots and WAL senders at least as many";
    }

    private ReplicationParameters() {
    }
}
