package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the servers' catalogs say about large objects, and the versions last copied, kept on the target: the reads
 * {@link LargeObjects} compares. Contents are hashed inside each server in pieces, so that a large object of
 * gigabytes is never one bytea.
 */
final class LargeObjectCatalog {

    /** Bytes per read, per write and per hashed piece. */
    static final int PIECE = 4 << 20;
    /** The versions last copied, on the target, in verification's schema (dropped with it at the switch). */
    static final String STATE = "migration_verify.large_object";
    /** lo_open's read-only mode: reads see the transaction's snapshot. */
    static final int INV_READ = 0x40000;

    /**
     * Privileges as entries {@code grantee=PRIVILEGE} ({@code *} when grantable; an empty grantee is PUBLIC, as in
     * PostgreSQL's own aclitem), the owner's default privileges written out, so both servers print alike.
     */
    private static final String ACL = """
            (select coalesce(array_agg(e order by e), '{}') from (
                select case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end || '=' || a.privilege_type
                       || case when a.is_grantable then '*' else '' end as e
                from aclexplode(coalesce(m.lomacl, acldefault('L', m.lomowner))) a) x)""";
    private static final String HASH = """
            (select coalesce(md5(string_agg(md5(lo_get(m.oid, o, %d)), '' order by o)), md5(''))
             from generate_series(0::bigint, lo_lseek64(lo_open(m.oid, %d), 0, 2) - 1, %d) o)"""
            .formatted(PIECE, INV_READ, PIECE);

    /** One large object as a server describes it; version and bytes only on the source. */
    record Described(long oid, String owner, List<String> acl, String version, long bytes) {

        boolean sameMetadata(Described other) {
            return other != null && owner.equals(other.owner) && acl.equals(other.acl);
        }

        String metadata() {
            return "owner " + owner + ", privileges " + acl;
        }
    }

    /** Every large object of the source with its version and bytes (needs a superuser: pg_largeobject). */
    static Map<Long, Described> describeSource(Connection source) throws SQLException {
        readable(source);
        Map<Long, Described> objects = new LinkedHashMap<>();
        try (var rs = source.createStatement().executeQuery("""
                select m.oid::bigint, pg_get_userbyid(m.lomowner), %s, coalesce(v.version, '0'), coalesce(v.bytes, 0)
                from pg_largeobject_metadata m
                left join (select loid, count(*) || ':' || sum(hashtextextended(pageno::text || ':' || xmin::text, 0)) as version,
                                  sum(octet_length(data)) as bytes
                           from pg_largeobject group by loid) v on v.loid = m.oid
                order by 1""".formatted(ACL))) {
            while (rs.next()) {
                objects.put(rs.getLong(1), new Described(rs.getLong(1), rs.getString(2), acl(rs.getArray(3)), rs.getString(4),
                        rs.getLong(5)));
            }
        }
        return objects;
    }

    /** Every large object of a server with its owner and privileges (anyone may read the metadata). */
    static Map<Long, Described> describe(Connection connection) throws SQLException {
        Map<Long, Described> objects = new LinkedHashMap<>();
        try (var rs = connection.createStatement().executeQuery("select m.oid::bigint, pg_get_userbyid(m.lomowner), " + ACL
                + " from pg_largeobject_metadata m order by 1")) {
            while (rs.next()) {
                objects.put(rs.getLong(1), new Described(rs.getLong(1), rs.getString(2), acl(rs.getArray(3)), null, 0));
            }
        }
        return objects;
    }

    /** Content hashes computed by the server, of the given large objects or (null) of all. */
    static Map<Long, String> hashes(Connection connection, List<Long> oids) throws SQLException {
        Map<Long, String> hashes = new HashMap<>();
        try (var ps = connection.prepareStatement("select m.oid::bigint, " + HASH + " from pg_largeobject_metadata m"
                + (oids == null ? "" : " where m.oid = any(?::oid[])"))) {
            if (oids != null) {
                ps.setArray(1, connection.createArrayOf("bigint", oids.toArray()));
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    hashes.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return hashes;
    }

    static Map<Long, String> recorded(Connection target) throws SQLException {
        Map<Long, String> versions = new HashMap<>();
        try (var rs = target.createStatement().executeQuery("select loid::bigint, version from " + STATE)) {
            while (rs.next()) {
                versions.put(rs.getLong(1), rs.getString(2));
            }
        }
        return versions;
    }

    static void forget(Connection target, long oid) throws SQLException {
        try (var ps = target.prepareStatement("delete from " + STATE + " where loid = ?::oid")) {
            ps.setLong(1, oid);
            ps.executeUpdate();
        }
    }

    /** Verification's schema on the target, with the versions copied (kept until the cutover drops the schema). */
    static void ensureState(Connection target) throws SQLException {
        if (Sql.one(target, "select to_regclass(?)::text", STATE) != null) {
            return;
        }
        Sql.execute(target, "CREATE SCHEMA IF NOT EXISTS migration_verify");
        Sql.execute(target, "REVOKE ALL ON SCHEMA migration_verify FROM PUBLIC");
        Sql.execute(target, "CREATE TABLE IF NOT EXISTS " + STATE + " (loid oid PRIMARY KEY, version text NOT NULL, "
                + "bytes bigint NOT NULL, copied_at timestamptz NOT NULL DEFAULT now())");
    }

    static void readable(Connection source) throws SQLException {
        if (!Sql.exists(source, "select 1 where has_table_privilege('pg_catalog.pg_largeobject', 'SELECT')")) {
            throw new SQLException("the source administrator " + Sql.one(source, "select current_user::text")
                    + " may not read pg_largeobject, where the large objects' contents and versions are: it must be a "
                    + "superuser of the source", "42501");
        }
    }

    /** One synchronisation or comparison at a time per target database (the replicator's checks, the cutover's preflight). */
    static void lock(Connection target) throws SQLException {
        Sql.one(target, "select pg_advisory_lock(hashtext('migration_verify.large_object'))::text");
    }

    static void unlock(Connection target) throws SQLException {
        Sql.one(target, "select pg_advisory_unlock(hashtext('migration_verify.large_object'))::text");
    }

    static List<String> acl(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private LargeObjectCatalog() {
    }
}
