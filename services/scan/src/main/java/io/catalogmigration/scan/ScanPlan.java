package io.catalogmigration.scan;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanMethod;

import java.util.List;

/** What a run checks, recorded in the ledger when planned; the outcome is built from it and the findings. */
record ScanPlan(List<Database> databases) {

    record Database(PgEndpoint endpoint, ScanMethod method, String amcheckSchema, String note, List<Table> tables) {

        long bytes() {
            return tables.stream().mapToLong(Table::bytes).sum();
        }
    }

    /** One user table with its TOAST table; {@code bytes} is pg_table_size (heap plus TOAST). */
    record Table(String table, long oid, String toastTable, long bytes, long heapBlocks, int items) {
    }

    int tableCount() {
        return databases.stream().mapToInt(d -> d.tables().size()).sum();
    }

    long bytes() {
        return databases.stream().mapToLong(Database::bytes).sum();
    }
}
