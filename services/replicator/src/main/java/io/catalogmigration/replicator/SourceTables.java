package io.catalogmigration.replicator;

import io.catalogmigration.common.pg.SqlIdentifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The application's tables in the source database, read from its catalog. */
final class SourceTables {

    /**
     * @param identity pg_class.relreplident: d default, n nothing, f full, i index
     * @param keyed    has a primary key
     * @param logged   false for an unlogged table, which logical replication cannot carry
     */
    record Table(String schema, String name, char identity, boolean keyed, boolean logged) {

        String qualified() {
            return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(name);
        }

        String label() {
            return schema + "." + name;
        }

        /** Updates and deletes could not be replicated: no key to find the row by. */
        boolean needsIdentity() {
            return identity == 'n' || (identity == 'd' && !keyed);
        }
    }

    /** Ordinary tables and partitions (not partitioned parents) outside system schemas and extensions. */
    static List<Table> list(Connection connection) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (var ps = connection.prepareStatement("""
                select n.nspname, c.relname, c.relreplident,
                       exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary),
                       c.relpersistence = 'p'
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
                  and n.nspname not like 'pg\\_%'
                  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                  and d.deptype = 'e')
                order by 1, 2""");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new Table(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0), rs.getBoolean(4), rs.getBoolean(5)));
            }
        }
        return tables;
    }

    /** Roles owning or granted the database's objects (large objects too): the target needs them before the schema. */
    static List<String> roles(Connection connection) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (var ps = connection.prepareStatement("""
                with user_ns as (select oid, nspowner, nspacl from pg_namespace
                                 where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%')
                select rolname from pg_roles where oid in (
                    select nspowner from user_ns
                    union select relowner from pg_class where relnamespace in (select oid from user_ns)
                    union select proowner from pg_proc where pronamespace in (select oid from user_ns)
                    union select typowner from pg_type where typnamespace in (select oid from user_ns)
                    union select datdba from pg_database where datname = current_database()
                    union select (aclexplode(relacl)).grantee from pg_class
                          where relacl is not null and relnamespace in (select oid from user_ns)
                    union select (aclexplode(nspacl)).grantee from user_ns where nspacl is not null
                    union select lomowner from pg_largeobject_metadata
                    union select (aclexplode(lomacl)).grantee from pg_largeobject_metadata where lomacl is not null)
                  and rolname not like 'pg\\_%'
                order by 1""");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
        }
        return roles;
    }

    /** Whether the role owns anything in the database (not merely holds grants on it). */
    static boolean owns(Connection connection, String role) throws SQLException {
        try (var ps = connection.prepareStatement("""
                with user_ns as (select oid, nspowner from pg_namespace
                                 where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'),
                     me as (select oid from pg_roles where rolname = ?)
                select 1 from me where oid in (
                    select nspowner from user_ns
                    union select relowner from pg_class where relnamespace in (select oid from user_ns)
                    union select proowner from pg_proc where pronamespace in (select oid from user_ns)
                    union select typowner from pg_type where typnamespace in (select oid from user_ns)
                    union select datdba from pg_database where datname = current_database())""")) {
            ps.setString(1, role);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private SourceTables() {
    }
}
