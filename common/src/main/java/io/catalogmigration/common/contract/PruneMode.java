package io.catalogmigration.common.contract;

public enum PruneMode {
    /** Count and report what PURGE would delete; delete nothing. */
    DRY_RUN,
    /** Delete rows past retention. */
    PURGE
}
