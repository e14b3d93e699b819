package io.catalogmigration.common.unreplicated;

import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.Transactions;
import io.catalogmigration.common.unreplicated.LargeObjectCatalog.Described;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.INV_READ;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.PIECE;
import static io.catalogmigration.common.unreplicated.LargeObjectCatalog.STATE;

/**
 * Writes large objects on the target: the content in pieces (read with {@code lo_get(oid, offset, length)} on the
 * source, {@code lo_from_bytea} then {@code lo_put} on the target), the owner and privileges, and the version copied,
 * all in one target transaction, so a failure leaves the large object as it was.
 */
final class LargeObjectWriter {

    /** Copies one large object in pieces inside one target transaction; the md5 of its pieces' md5s, as read. */
    static String copy(Connection source, Connection target, Described object, boolean replace) throws SQLException {
        String[] hash = new String[1];
        Transactions.inOne(target, () -> {
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
            hash[0] = md5(pieces.toString().getBytes(StandardCharsets.US_ASCII));
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
    static void setMetadata(Connection target, Described object, Described there) throws SQLException {
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

    static String grantee(String entry) {
        return entry.substring(0, entry.lastIndexOf('='));
    }

    static String role(String grantee) {
        return grantee.isEmpty() ? "PUBLIC" : SqlIdentifier.quote(grantee);
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private LargeObjectWriter() {
    }
}
