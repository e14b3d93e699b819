package io.catalogmigration.scan;

/**
 * One table, or one block range of a large table, to check.
 *
 * @param startBlock first block (inclusive)
 * @param endBlock   last block (exclusive); null means to the table's end when checked, so rows added since
 *                   planning are checked too
 * @param bytes      this item's share of the table's size, for progress in bytes
 * @param tableItems how many items the table was split into (a table is done when all of them are)
 */
record ScanItem(String table, long oid, long startBlock, Long endBlock, long bytes, int tableItems) {

    String describe() {
        return table + (startBlock == 0 && endBlock == null ? ""
                : " blocks " + startBlock + ".." + (endBlock == null ? "end" : String.valueOf(endBlock - 1)));
    }
}
