package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.AdministratorRoles;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.Transactions;
import io.catalogmigration.common.unreplicated.LargeObjectCatalog.Described;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.STATE;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.describe;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.describeSource;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.ensureState;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.forget;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.hashes;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.lock;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.readable;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.recorded;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.unlock;
import static io.catalogmigration.common.unreplicated.LargeObjectWriter.copy;
import static io.catalogmigration.common.unreplicated.LargeObjectWriter.setMetadata;

/**
 * Large objects, which logical replication does not carry: their contents live in {@code pg_largeobject}, a system
 * catalog, outside any publication. They are copied with the initial copy and kept current by comparing, at each
 * check, each large object's version on the source with the version last copied: the version is the number of its
 * pages and a hash of each page's number and writing transaction (a superuser may read {@code pg_largeobject}), so
 * any write, truncation or new page changes it. What changed is copied again, what is new is copied, what vanished
 * is deleted, and owners and privileges are set as the source's. The versions copied are kept on the target, in
 * {@code migration_verify.large_object} (dropped with the rest of verification at the switch), so the cutover's
 * window knows what changed since the replicator's last check.
 *
 * <p>Contents are compared by a hash computed inside each server: the md5 of the concatenated md5s of the object's
 * pieces of 4 MB read with {@code lo_get(oid, offset, length)}; a large object of gigabytes is never
 * one bytea, neither when hashed nor when copied (read in pieces on the source, {@code lo_from_bytea} and
 * {@code lo_put} on the target). The target's administrator need not be a superuser: it creates the objects, gives
 * them to their owners and reads and writes them as a member of those owners ({@link AdministratorRoles}).
 */
public final class LargeObjects {

    private static final Logger log = LoggerFactory.getLogger(LargeObjects.class);
    /** A large object this big is named in the log when copied: the copy of gigabytes says where it is. */
    private static final long BIG = 64L << 20;

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
                    if (object.bytes() >= BIG) {
                        log.info("Large object {} copied: {} MB", object.oid(), object.bytes() >> 20);
                    }
                } else if (!object.sameMetadata(there)) {
                    Transactions.inOne(target, () -> setMetadata(target, object, there));
                    metadataSet++;
                }
            }
            for (var there : onTarget.values()) {
                if (!onSource.containsKey(there.oid())) {
                    Transactions.inOne(target, () -> {
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

    private LargeObjects() {
    }
}
