package io.catalogmigration.common.verify;

import io.catalogmigration.common.pg.ReplicationNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A published table as verification sees it: its name as the catalog quotes it, and the key its rows are found by
 * (the primary key, else the replica identity index; empty when it has neither, and then rows are compared as a
 * multiset of row hashes).
 *
 * @param name          schema-qualified, quoted by the source's {@code quote_ident}
 * @param key           key columns in index order, each quoted, with the type as {@code format_type} spells it
 * @param bytes         the whole relation with TOAST and indexes, on the source
 * @param estimatedRows the planner's estimate on the source (0 when never analysed)
 */
public record Relation(String name, List<KeyColumn> key, long bytes, long estimatedRows) {

    public record KeyColumn(String name, String type) {
    }

    public boolean keyed() {
        return !key.isEmpty();
    }

    public String method() {
        return method(keyed());
    }

    /** How a table is compared: by ranges of its key, or whole as a multiset of row hashes. */
    public static String method(boolean keyed) {
        return keyed ? "key ranges" : "whole table (no key)";
    }

    /** Every table the migration's publication of this database carries, read from the source's catalog. */
    public static List<Relation> published(Connection source, String database) throws SQLException {
        List<Relation> relations = new ArrayList<>();
        try (var ps = source.prepareStatement("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_total_relation_size(c.oid),
                       greatest(c.reltuples, 0)::bigint,
                       (select coalesce(string_agg(quote_ident(a.attname) || chr(1) || format_type(a.atttypid, a.atttypmod),
                                                   chr(2) order by k.ord), '')
                        from unnest(key.indkey) with ordinality k(attnum, ord)
                        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum)
                from pg_publication_tables p
                join pg_namespace n on n.nspname = p.schemaname
                join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
                left join lateral (select i.indkey::int2[] as indkey from pg_index i
                                   where i.indrelid = c.oid and (i.indisprimary or i.indisreplident) and i.indisvalid
                                     and 0 <> all (i.indkey::int2[])
                                   order by i.indisprimary desc limit 1) key on true
                where p.pubname = ? order by 1""")) {
            ps.setString(1, ReplicationNames.of(database).publication());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<KeyColumn> key = new ArrayList<>();
                    String columns = rs.getString(4);
                    if (columns != null && !columns.isEmpty()) {
                        for (String column : columns.split("\u0002")) {
                            String[] parts = column.split("\u0001", 2);
                            key.add(new KeyColumn(parts[0], parts[1]));
                        }
                    }
                    relations.add(new Relation(rs.getString(1), key, rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return relations;
    }
}
