package io.catalogmigration.prune;

import java.util.List;

/** A foreign key from {@code childTable(childColumns)} into the table being pruned ({@code parentColumns}). */
record Guard(String childTable, List<String> childColumns, List<String> parentColumns) {
}
