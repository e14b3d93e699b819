package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.CopyPipe;

/**
 * One table of a snapshot copy, or one block range [fromPage, toPage) of it (toPage &lt; 0: to the end; both &lt; 0: the
 * whole table), as a work item in the ledger.
 *
 * @param qualified the table's quoted, schema-qualified name, read from the source's catalog when planned
 * @param columns   its quoted column list, read likewise
 * @param bytes     the share of the table's size (pg_table_size) the range stands for: what progress counts
 */
record CopyChunk(String qualified, String columns, long fromPage, long toPage, long bytes) {

    String select() {
        return CopyPipe.statements(qualified, columns, fromPage, toPage).get(0);
    }

    String insert() {
        return CopyPipe.statements(qualified, columns, fromPage, toPage).get(1);
    }
}
