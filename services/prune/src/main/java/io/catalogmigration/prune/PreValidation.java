package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PrunedTable;
import io.catalogmigration.common.pg.Catalog;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.prune.PruneProperties.RetentionGroup;
import io.catalogmigration.prune.PruneProperties.TableRule;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

/** Looks each configured table up in the catalog and counts its rows, in total and past retention. */
final class PreValidation {

    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    static Instant cutoff(Instant plannedAt, RetentionGroup group) {
        return plannedAt.atZone(ZoneOffset.UTC).minus(group.olderThan()).toInstant();
    }

    static TablePlan table(Connection connection, String database, String group, TableRule rule, Instant cutoff)
            throws SQLException {
        TableName name;
        try {
            name = TableName.parse(rule.name());
        } catch (IllegalArgumentException e) {
            return TablePlan.skipped(group, rule.name(), cutoff, "configured table name is empty");
        }
        var found = Catalog.find(connection, name);
        if (found.isEmpty()) {
            return TablePlan.skipped(group, name.toString(), cutoff,
                    "table " + name + " does not exist in database " + database + ": skipped");
        }
        var table = found.get();
        if (table.column(rule.timestampColumn()).isEmpty()) {
            return TablePlan.skipped(group, name.toString(), cutoff, "table " + name + " has no column '"
                    + rule.timestampColumn() + "': set prune.groups." + group + ".tables[].timestamp-column");
        }
        if (table.primaryKey().size() != 1
                || !INTEGER_TYPES.contains(table.column(table.primaryKey().get(0)).orElseThrow().type())) {
            return TablePlan.skipped(group, name.toString(), cutoff, "table " + name
                    + " has no single-column integer primary key, which key-range deletes need: prune it by hand");
        }
        String key = table.primaryKey().get(0);
        String older = SqlIdentifier.quote(rule.timestampColumn()) + " < ?";
        String quotedKey = SqlIdentifier.quote(key);
        long total;
        long past;
        long minKey;
        long maxKey;
        // One scan gives the counts and the key span of the rows to delete, so planning the ranges costs no second pass.
        try (var ps = connection.prepareStatement("select count(*), count(*) filter (where " + older + "), min(" + quotedKey
                + ") filter (where " + older + "), max(" + quotedKey + ") filter (where " + older + ") from " + name.quoted())) {
            for (int i = 1; i <= 3; i++) {
                ps.setTimestamp(i, Timestamp.from(cutoff));
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
                past = rs.getLong(2);
                minKey = rs.getLong(3);
                maxKey = rs.getLong(4);
            }
        }
        var status = past == 0 ? PrunedTable.Status.NOTHING_TO_DELETE : PrunedTable.Status.PRUNED;
        String note = past == 0 ? "close to 0 records to process for " + name : null;
        return new TablePlan(group, name.toString(), key, rule.timestampColumn(), cutoff, status, total, past, minKey, maxKey, 0,
                java.util.List.of(), note);
    }

    private PreValidation() {
    }
}
