package io.catalogmigration.common.contract;

/**
 * Something logical replication does not carry, and how the migration carried and checked it: the large objects of a
 * database (one line for all of them), a materialized view, or an unlogged table.
 *
 * @param kind   {@value #LARGE_OBJECTS}, {@value #MATERIALIZED_VIEW} or {@value #UNLOGGED_TABLE}
 * @param name   the view or table, schema-qualified; null for the large objects
 * @param count  large objects on the source, or rows of the view or table
 * @param bytes  large objects' bytes on the source, or bytes copied for an unlogged table (0 for a view)
 * @param millis what it took: the copy (and its check) of large objects or an unlogged table, a view's refresh
 * @param equal  the target holds what the source does (content hashes, or the view's rows equal to its query's on
 *               the source); false also for what was deliberately not carried (an unlogged table left empty)
 * @param detail a readable line: what was done, what was compared, what was left and why
 */
public record CopiedObject(String database, String kind, String name, long count, long bytes, long millis, boolean equal,
                           String detail) {

    public static final String LARGE_OBJECTS = "large objects";
    public static final String MATERIALIZED_VIEW = "materialized view";
    public static final String UNLOGGED_TABLE = "unlogged table";
}
