package io.catalogmigration.common.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Looks input identifiers up in the PostgreSQL catalog with bound parameters, before anything is quoted into SQL. */
public final class Catalog {

    public record Column(String name, String type) {
    }

    public record Table(TableName name, long oid, List<Column> columns, List<String> primaryKey) {

        public Optional<Column> column(String columnName) {
            return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
        }
    }

    /** A foreign key from {@code child(childColumns)} to {@code parent(parentColumns)}. */
    public record ForeignKey(TableName child, List<String> childColumns, TableName parent, List<String> parentColumns) {
    }

    public static Optional<Table> find(Connection connection, TableName name) throws SQLException {
        Long oid = null;
        try (var ps = connection.prepareStatement("""
                select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = ? and c.relname = ? and c.relkind in ('r', 'p')""")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.table());
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    oid = rs.getLong(1);
                }
            }
        }
        if (oid == null) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        try (var ps = connection.prepareStatement("""
                select attname, format_type(atttypid, atttypmod) from pg_attribute
                where attrelid = ? and attnum > 0 and not attisdropped order by attnum""")) {
            ps.setLong(1, oid);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<String> primaryKey = new ArrayList<>();
        try (var ps = connection.prepareStatement("""
                select a.attname from pg_index i
                join lateral unnest(i.indkey) with ordinality as k(attnum, ord) on true
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                where i.indrelid = ? and i.indisprimary order by k.ord""")) {
            ps.setLong(1, oid);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    primaryKey.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new Table(name, oid, List.copyOf(columns), List.copyOf(primaryKey)));
    }

    /** Foreign keys whose both ends are among the given tables (by oid). */
    public static List<ForeignKey> foreignKeysAmong(Connection connection, List<Table> tables) throws SQLException {
        List<ForeignKey> keys = new ArrayList<>();
        if (tables.isEmpty()) {
            return keys;
        }
        Long[] oids = tables.stream().map(Table::oid).toArray(Long[]::new);
        try (var ps = connection.prepareStatement("""
                select cn.nspname, cc.relname, pn.nspname, pc.relname,
                       array(select attname from unnest(c.conkey) with ordinality k(n, o)
                             join pg_attribute on attrelid = c.conrelid and attnum = k.n order by k.o),
                       array(select attname from unnest(c.confkey) with ordinality k(n, o)
                             join pg_attribute on attrelid = c.confrelid and attnum = k.n order by k.o)
                from pg_constraint c
                join pg_class cc on cc.oid = c.conrelid join pg_namespace cn on cn.oid = cc.relnamespace
                join pg_class pc on pc.oid = c.confrelid join pg_namespace pn on pn.oid = pc.relnamespace
                where c.contype = 'f' and c.conrelid = any(?) and c.confrelid = any(?)""")) {
            var array = connection.createArrayOf("oid", oids);
            ps.setArray(1, array);
            ps.setArray(2, array);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new ForeignKey(new TableName(rs.getString(1), rs.getString(2)),
                            List.of((String[]) rs.getArray(5).getArray()),
                            new TableName(rs.getString(3), rs.getString(4)),
                            List.of((String[]) rs.getArray(6).getArray())));
                }
            }
        }
        return keys;
    }

    private Catalog() {
    }
}
