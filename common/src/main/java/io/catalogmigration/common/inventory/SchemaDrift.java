package io.catalogmigration.common.inventory;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.Transactions;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DDL on the source after replication started, found by comparing the two schemas: logical replication carries rows,
 * not DDL, so a column added on the source stops the apply worker ("missing replicated column"), a table created there
 * is never replicated, and a type changed or a column dropped leaves the copy different. Each difference comes with
 * the statement that brings the target level with the source, and what else to do.
 */
public final class SchemaDrift {

    /** Every column of every ordinary table outside the system, as {@code schema.table} to column to type. */
    private static final String COLUMNS = """
            select quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname),
                   format_type(a.atttypid, a.atttypmod)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relkind in ('r', 'p') and c.relpersistence = 'p'
              and n.nspname not in ('pg_catalog', 'information_schema', 'migration_verify') and n.nspname !~ '^pg_'
              and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
            order by 1, a.attnum""";

    private SchemaDrift() {
    }

    /**
     * The differences between the source's and the target's tables, each a sentence naming the table, what changed and
     * the statement to run on the target; empty when they agree. Run with search_path pg_catalog, so that every type
     * is printed schema-qualified alike on both sides.
     *
     * @param publication the source's publication, named in the advice for a table created after replication started
     * @param subscription the target's subscription, likewise
     */
    public static List<String> between(Connection source, Connection target, String publication, String subscription)
            throws SQLException {
        return between(source, target, publication, subscription, List.of());
    }

    /** As above, leaving out the tables the operator accepted to leave behind ({@code table schema.name}). */
    public static List<String> between(Connection source, Connection target, String publication, String subscription,
                                       java.util.Collection<String> acceptedLosses) throws SQLException {
        var onSource = columns(source);
        onSource.keySet().removeIf(table -> acceptedLosses.contains("table " + table));
        var onTarget = columns(target);
        List<String> differences = new ArrayList<>();
        onSource.forEach((table, columns) -> {
            var there = onTarget.get(table);
            if (there == null) {
                differences.add("table " + table + " exists on the source only (created after replication started: it is "
                        + "not replicated): create it on the target (pg_dump --schema-only -t '" + table + "' | psql), then "
                        + "on the source ALTER PUBLICATION " + publication + " ADD TABLE " + table + " and on the target "
                        + "ALTER SUBSCRIPTION " + subscription + " REFRESH PUBLICATION");
                return;
            }
            columns.forEach((column, type) -> {
                String targetType = there.get(column);
                if (targetType == null) {
                    differences.add("column " + table + "." + column + " was added on the source (the apply worker stops "
                            + "at its first row): on the target ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
                } else if (!targetType.equals(type)) {
                    differences.add("column " + table + "." + column + " is " + type + " on the source but " + targetType
                            + " on the target: on the target ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type);
                }
            });
            there.keySet().stream().filter(column -> !columns.containsKey(column)).forEach(column ->
                    differences.add("column " + table + "." + column + " was dropped on the source: on the target ALTER TABLE "
                            + table + " DROP COLUMN " + column));
        });
        onTarget.keySet().stream().filter(table -> !onSource.containsKey(table)).forEach(table ->
                differences.add("table " + table + " was dropped or renamed on the source: drop or rename it on the target "
                        + "(DROP TABLE " + table + ") once you know why"));
        return differences;
    }

    private static Map<String, Map<String, String>> columns(Connection connection) throws SQLException {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        Transactions.inOne(connection, () -> {
            Sql.execute(connection, "set local search_path = pg_catalog");
            try (var statement = connection.createStatement(); var rs = statement.executeQuery(COLUMNS)) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), t -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
            return null;
        });
        return tables;
    }
}
