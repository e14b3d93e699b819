package io.catalogmigration.common.contract;

/** What a scan does with the corrupted rows it finds. */
public enum ScanMode {
    /** Find and report only: nothing is changed. */
    REPORT,
    /** Find, read each corrupted row again, and delete by ctid only the rows that still cannot be read. */
    REPAIR
}
