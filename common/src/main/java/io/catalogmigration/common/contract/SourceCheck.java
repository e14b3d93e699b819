package io.catalogmigration.common.contract;

/**
 * One requirement of logical replication on the source.
 *
 * @param name     e.g. wal_level, max_replication_slots, pg_hba.conf rosemeta
 * @param current  what the source has now
 * @param required what replication needs
 * @param status   OK, CHANGED (set, in effect), RESTART_REQUIRED (set, effective after a restart), ACTION_REQUIRED
 * @param remedy   what an operator must do, or null when nothing
 */
public record SourceCheck(String name, String current, String required, String status, String remedy) {

    public static final String OK = "OK";
    public static final String CHANGED = "CHANGED";
    public static final String RESTART_REQUIRED = "RESTART_REQUIRED";
    public static final String ACTION_REQUIRED = "ACTION_REQUIRED";
}
