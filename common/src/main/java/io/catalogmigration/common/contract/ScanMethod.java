package io.catalogmigration.common.contract;

/** How a scan checks a table. */
public enum ScanMethod {
    /** amcheck's verify_heapam where the server has it (PostgreSQL 14+, extension installable), else READ_ROWS. */
    AUTO,
    /** verify_heapam(check_toast => true) over block ranges; fails the run if the server cannot offer it. */
    AMCHECK,
    /** Read and detoast every row of a block range; bisect a failing range down to the failing rows. */
    READ_ROWS
}
