package io.catalogmigration.scan;

import io.catalogmigration.common.pg.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Lists a database's user tables with their TOAST tables, sizes and this user's privileges, biggest first. */
final class TableLister {

    record Listed(ScanPlan.Table table, boolean canSelect, boolean canDelete) {
    }

    static List<Listed> list(Connection connection, Set<TableName> filter) throws SQLException {
        List<Listed> tables = new ArrayList<>();
        try (var rs = connection.createStatement().executeQuery("""
                select c.oid, n.nspname, c.relname, t.oid::regclass::text, pg_table_size(c.oid),
                       pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                       has_table_privilege(c.oid, 'select'), has_table_privilege(c.oid, 'delete')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                left join pg_class t on t.oid = c.reltoastrelid
                where c.relkind = 'r' and c.relpersistence <> 't'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
                order by pg_table_size(c.oid) desc, n.nspname, c.relname""")) {
            while (rs.next()) {
                var name = new TableName(rs.getString(2), rs.getString(3));
                if (!filter.isEmpty() && !filter.contains(name)) {
                    continue;
                }
                tables.add(new Listed(new ScanPlan.Table(name.schema() + "." + name.table(), rs.getLong(1), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), 1), rs.getBoolean(7), rs.getBoolean(8)));
            }
        }
        return tables;
    }

    private TableLister() {
    }
}
