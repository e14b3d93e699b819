package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.AdministratorRoles;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Large objects, which logical replication does not carry: their contents live in {@code pg_largeobject}, a system
 * catalog, outside any publication. They are copied with the initial copy and kept current by comparing, at each
 * check, each large object's version on the source with the version last copied: the version is the number of its
 * pages and a hash of each page's number and writing transaction (a superuser may read {@code pg_largeobject}), so
 * any write, truncation or new page changes it. What changed is copied again, what is new is copied, what vanished
 * is deleted, and owners and privileges are set as the source's. The versions copied are kept on the target, in
 * {@value #STATE} (dropped with the rest of verification at the switch), so the cutover's window knows what changed
 * since the replicator's last check.
 *
 * <p>Contents are compared by a hash computed inside each server: the md5 of the concatenated md5s of the object's
 * pieces of {@value #PIECE} bytes read with {@code lo_get(oid, offset, length)}; a large object of gigabytes is never
 * one bytea, neither when hashed nor when copied (read in pieces on the source, {@code lo_from_bytea} and
 * {@code lo_put} on the target). The target's administrator need not be a superuser: it creates the objects, gives
 * them to their owners and reads and writes them as a member of those owners ({@link AdministratorRoles}).
 */
public final class LargeObjects {

    static final int PIECE = 4 << 20;
    static final String STATE = "migration_verify.large_object";
    private static final Logger log = LoggerFactory.getLogger(LargeObjects.class);
    private static final int INV_READ = 0x40000;

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

    /**
     * What a synchronisation did.
     *
     * @param count       large objects on the source
     * @param bytes       their bytes
     * @param copied      copied (new, or changed since they were last copied, or missing on the target)
     * @param bytesCopied bytes of those
     * @param deleted     deleted on the target (gone from the source)
     * @param metadataSet only their owner or privileges set again
     * @param problems    copies whose content hash on the target is not the one read from the source
     */
    public record Synced(int count, long bytes, int copied, long bytesCopied, int deleted, int metadataSet,
                         List<String> problems, long millis) {

        public String describe() {
            return "%d large objects (%,d bytes) on the source: %d copied (%,d bytes), %d deleted, %d given their owner or "
                    .formatted(count, bytes, copied, bytesCopied, deleted, metadataSet) + "privileges again, in " + millis + " ms"
                    + (problems.isEmpty() ? "" : "; " + problems.size() + " differ after the copy: " + problems.stream().limit(5).toList());
        }
    }

    /**
     * A comparison of every large object on both servers.
     *
     * @param pending      changed on the source since last copied (new, changed, gone): the next synchronisation copies them
     * @param pendingBytes their bytes
     * @param differences  what differs although the source did not change it since it was copied
     * @param hashMillis   what hashing both servers' contents took (they are hashed at the same time)
     */
    public record Compared(int count, long bytes, int pending, long pendingBytes, List<String> differences, long hashMillis) {
    }

    /** True when the database has any large object (anyone may read the metadata; only a superuser the contents). */
    public static boolean any(Connection connection) throws SQLException {
        return Sql.exists(connection, "select 1 from pg_largeobject_metadata limit 1");
    }

    /** Count and bytes on the source, for notes; none without reading pg_largeobject when there is no large object. */
    public static long[] size(Connection source) throws SQLException {
        if (!any(source)) {
            return new long[]{0, 0};
        }
        readable(source);
        try (var rs = source.createStatement().executeQuery("""
                select (select count(*) from pg_largeobject_metadata), (select coalesce(sum(octet_length(data)), 0) from pg_largeobject)""")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * Makes the target's large objects the source's: copies what is new or changed since it was last copied, deletes
     * what the source no longer has, sets owners and privileges, and checks each copy's content hash. The source is
     * read in one REPEATABLE READ transaction, so versions and contents agree with each other.
     */
    public static Synced sync(Connection source, Connection target) throws SQLException {
        long started = System.nanoTime();
        if (!any(source) && !any(target)) {
            return new Synced(0, 0, 0, 0, 0, 0, List.of(), 0);
        }
        ensureState(target);
        lock(target);
        boolean sourceAutoCommit = source.getAutoCommit();
        try {
            source.setAutoCommit(false);
            Sql.execute(source, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            var onSource = describeSource(source);
            var onTarget = describe(target);
            var recorded = recorded(target);
            AdministratorRoles.assume(target, onSource.values().stream().map(Described::owner).distinct().toList());
            int copied = 0;
            int deleted = 0;
            int metadataSet = 0;
            long bytesCopied = 0;
            List<String> problems = new ArrayList<>();
            for (var object : onSource.values()) {
                var there = onTarget.get(object.oid());
                if (there == null || !object.version().equals(recorded.get(object.oid()))) {
                    String hash = copy(source, target, object, there != null);
                    String copiedHash = hashes(target, List.of(object.oid())).get(object.oid());
                    if (!hash.equals(copiedHash)) {
                        forget(target, object.oid()); // copied again by the next synchronisation
                        problems.add("large object " + object.oid() + ": content hash " + copiedHash + " on the target, "
                                + hash + " read from the source");
                    }
                    copied++;
                    bytesCopied += object.bytes();
                } else if (!object.sameMetadata(there)) {
                    inTransaction(target, () -> setMetadata(target, object, there));
                    metadataSet++;
                }
            }
            for (var there : onTarget.values()) {
                if (!onSource.containsKey(there.oid())) {
                    inTransaction(target, () -> {
                        Sql.one(target, "select lo_unlink(?::oid)::text", there.oid());
                        forget(target, there.oid());
                    });
                    deleted++;
                }
            }
            try (var ps = target.prepareStatement("delete from " + STATE + " where not (loid = any(?::oid[]))")) {
                ps.setArray(1, target.createArrayOf("bigint", onSource.keySet().toArray()));
                ps.executeUpdate();
            }
            source.commit();
            var synced = new Synced(onSource.size(), onSource.values().stream().mapToLong(Described::bytes).sum(), copied,
                    bytesCopied, deleted, metadataSet, problems, (System.nanoTime() - started) / 1_000_000);
            if (copied + deleted + metadataSet > 0) {
                log.info("Large objects of {}: {}", Sql.one(target, "select current_database()"), synced.describe());
            }
            return synced;
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        } finally {
            unlock(target);
            source.setAutoCommit(sourceAutoCommit);
        }
    }

    /**
     * Compares every large object: the set of them, owners, privileges and content hashes (both servers hash at the
     * same time). Changes on the source since the last synchronisation are counted as pending, not as differences,
     * unless {@code pendingIsDifferent} (writes stopped and synchronised: nothing may be pending). A large object that
     * differs although the source has not changed it since it was copied was written on the target: its recorded
     * version is forgotten, so that the next synchronisation copies it again.
     */
    public static Compared compare(Connection source, Connection target, boolean pendingIsDifferent) throws SQLException {
        if (!any(source) && !any(target)) {
            return new Compared(0, 0, 0, 0, List.of(), 0);
        }
        ensureState(target);
        lock(target);
        boolean sourceAutoCommit = source.getAutoCommit();
        try {
            source.setAutoCommit(false);
            Sql.execute(source, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            var onSource = describeSource(source);
            var onTarget = describe(target);
            var recorded = recorded(target);
            long hashStarted = System.nanoTime();
            var both = BothSides.atOnce(() -> hashes(source, null), () -> hashes(target, null));
            Map<Long, String> fromSource = both.source();
            Map<Long, String> targetHashes = both.target();
            long hashMillis = (System.nanoTime() - hashStarted) / 1_000_000;
            source.commit();
            int pending = 0;
            long pendingBytes = 0;
            List<String> differences = new ArrayList<>();
            Set<Long> oids = new TreeSet<>(onSource.keySet());
            oids.addAll(onTarget.keySet());
            for (long oid : oids) {
                var s = onSource.get(oid);
                var t = onTarget.get(oid);
                boolean changed = s == null ? recorded.containsKey(oid) || t != null : !s.version().equals(recorded.get(oid));
                String difference = s == null ? "large object " + oid + " is on the target only"
                        : t == null ? "large object " + oid + " is missing on the target"
                        : !fromSource.get(oid).equals(targetHashes.get(oid)) ? "large object " + oid + ": content differs "
                        + "(md5 of its pieces " + fromSource.get(oid) + " on the source, " + targetHashes.get(oid) + " on the target)"
                        : !s.sameMetadata(t) ? "large object " + oid + ": " + s.metadata() + " on the source, " + t.metadata()
                        + " on the target" : null;
                if (difference == null) {
                    continue;
                }
                if (changed && !pendingIsDifferent) {
                    pending++;
                    pendingBytes += s == null ? 0 : s.bytes();
                } else {
                    differences.add(difference);
                    forget(target, oid);
                }
            }
            return new Compared(onSource.size(), onSource.values().stream().mapToLong(Described::bytes).sum(), pending,
                    pendingBytes, differences, hashMillis);
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        } finally {
            unlock(target);
            source.setAutoCommit(sourceAutoCommit);
        }
    }

    /** Copies one large object in pieces inside one target transaction; the md5 of its pieces' md5s, as read. */
    private static String copy(Connection source, Connection target, Described object, boolean replace) throws SQLException {
        String[] hash = new String[1];
        inTransaction(target, () -> {
            if (replace) {
                Sql.one(target, "select lo_unlink(?::oid)::text", object.oid());
            }
            long size;
            try (var ps = source.prepareStatement("select lo_lseek64(fd, 0, 2), lo_close(fd) from (select lo_open(?::oid, "
                    + INV_READ + ") fd) f")) {
                ps.setLong(1, object.oid());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    size = rs.getLong(1);
                }
            }
            StringBuilder pieces = new StringBuilder();
            try (var read = source.prepareStatement("select lo_get(?::oid, ?, ?)");
                 var create = target.prepareStatement("select lo_from_bytea(?::oid, ?)::text");
                 var put = target.prepareStatement("select lo_put(?::oid, ?, ?)::text")) {
                long offset = 0;
                do {
                    read.setLong(1, object.oid());
                    read.setLong(2, offset);
                    read.setInt(3, PIECE);
                    byte[] piece;
                    try (var rs = read.executeQuery()) {
                        rs.next();
                        piece = rs.getBytes(1);
                    }
                    var write = offset == 0 ? create : put;
                    write.setLong(1, object.oid());
                    if (offset == 0) {
                        write.setBytes(2, piece);
                    } else {
                        write.setLong(2, offset);
                        write.setBytes(3, piece);
                    }
                    write.executeQuery().close();
                    if (piece.length > 0) {
                        pieces.append(md5(piece));
                    }
                    offset += piece.length;
                } while (offset < size);
            }
            hash[0] = md5(pieces.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            setMetadata(target, object, null);
            try (var ps = target.prepareStatement("insert into " + STATE + " (loid, version, bytes) values (?::oid, ?, ?) "
                    + "on conflict (loid) do update set version = excluded.version, bytes = excluded.bytes, copied_at = now()")) {
                ps.setLong(1, object.oid());
                ps.setString(2, object.version());
                ps.setLong(3, object.bytes());
                ps.executeUpdate();
            }
        });
        return hash[0];
    }

    /**
     * The source's owner and privileges on the target's large object. The administrator created it (or is a member
     * of its owner): it gives it to the owner, revokes what the target grants, and grants what the source does; a
     * grant made by a member of the owner is recorded as the owner's, as on the source.
     */
    private static void setMetadata(Connection target, Described object, Described there) throws SQLException {
        String lo = "LARGE OBJECT " + object.oid();
        Sql.execute(target, "ALTER " + lo + " OWNER TO " + SqlIdentifier.quote(object.owner()));
        Set<String> revoke = new LinkedHashSet<>();
        if (there != null) {
            there.acl().forEach(e -> revoke.add(grantee(e)));
        }
        revoke.remove(object.owner());
        for (String grantee : revoke) {
            Sql.execute(target, "REVOKE ALL ON " + lo + " FROM " + role(grantee));
        }
        for (String privilege : List.of("SELECT", "UPDATE")) {
            if (!object.acl().contains(object.owner() + "=" + privilege) && !object.acl().contains(object.owner() + "=" + privilege + "*")) {
                Sql.execute(target, "REVOKE " + privilege + " ON " + lo + " FROM " + role(object.owner()));
            }
        }
        for (String entry : object.acl()) {
            String grantee = grantee(entry);
            if (grantee.equals(object.owner())) {
                continue;
            }
            String privilege = entry.substring(grantee.length() + 1);
            boolean grantable = privilege.endsWith("*");
            Sql.execute(target, "GRANT " + (grantable ? privilege.substring(0, privilege.length() - 1) : privilege) + " ON " + lo
                    + " TO " + role(grantee) + (grantable ? " WITH GRANT OPTION" : ""));
        }
    }

    private static String grantee(String entry) {
        return entry.substring(0, entry.lastIndexOf('='));
    }

    private static String role(String grantee) {
        return grantee.isEmpty() ? "PUBLIC" : SqlIdentifier.quote(grantee);
    }

    /** Every large object of the source with its version and bytes (needs a superuser: pg_largeobject). */
    private static Map<Long, Described> describeSource(Connection source) throws SQLException {
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
    private static Map<Long, Described> describe(Connection connection) throws SQLException {
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

    private static Map<Long, String> recorded(Connection target) throws SQLException {
        Map<Long, String> versions = new HashMap<>();
        try (var rs = target.createStatement().executeQuery("select loid::bigint, version from " + STATE)) {
            while (rs.next()) {
                versions.put(rs.getLong(1), rs.getString(2));
            }
        }
        return versions;
    }

    private static void forget(Connection target, long oid) throws SQLException {
        try (var ps = target.prepareStatement("delete from " + STATE + " where loid = ?::oid")) {
            ps.setLong(1, oid);
            ps.executeUpdate();
        }
    }

    /** Verification's schema on the target, with the versions copied (kept until the cutover drops the schema). */
    private static void ensureState(Connection target) throws SQLException {
        if (Sql.one(target, "select to_regclass(?)::text", STATE) != null) {
            return;
        }
        Sql.execute(target, "CREATE SCHEMA IF NOT EXISTS migration_verify");
        Sql.execute(target, "REVOKE ALL ON SCHEMA migration_verify FROM PUBLIC");
        Sql.execute(target, "CREATE TABLE IF NOT EXISTS " + STATE + " (loid oid PRIMARY KEY, version text NOT NULL, "
                + "bytes bigint NOT NULL, copied_at timestamptz NOT NULL DEFAULT now())");
    }

    private static void readable(Connection source) throws SQLException {
        if (!Sql.exists(source, "select 1 where has_table_privilege('pg_catalog.pg_largeobject', 'SELECT')")) {
            throw new SQLException("the source administrator " + Sql.one(source, "select current_user::text")
                    + " may not read pg_largeobject, where the large objects' contents and versions are: it must be a "
                    + "superuser of the source", "42501");
        }
    }

    /** One synchronisation or comparison at a time per target database (the replicator's checks, the cutover's preflight). */
    private static void lock(Connection target) throws SQLException {
        Sql.one(target, "select pg_advisory_lock(hashtext('migration_verify.large_object'))::text");
    }

    private static void unlock(Connection target) throws SQLException {
        Sql.one(target, "select pg_advisory_unlock(hashtext('migration_verify.large_object'))::text");
    }

    private interface Work {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection target, Work work) throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            work.run();
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    private static List<String> acl(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private LargeObjects() {
    }
}
