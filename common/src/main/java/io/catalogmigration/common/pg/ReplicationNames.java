package io.catalogmigration.common.pg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Publication, slot and subscription names of one database: {@code migration_<database>} as in the runbook, made safe
 * for slot names (lower-case letters, digits, underscore) with a short hash when the database name had to change.
 */
public record ReplicationNames(String publication, String slot, String subscription) {

    public static ReplicationNames of(String database) {
        String name = "migration_" + safe(database);
        return new ReplicationNames(name, name, name);
    }

    /**
     * The replication the other way after a switch, {@code fallback_<database>}: publication and slot on the target, the
     * subscription on the source.
     */
    public static ReplicationNames fallback(String database) {
        String name = "fallback_" + safe(database);
        return new ReplicationNames(name, name, name);
    }

    private static String safe(String database) {
        String safe = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!safe.equals(database) || safe.length() > 40) {
            safe = safe.substring(0, Math.min(40, safe.length())) + "_" + hash(database);
        }
        return safe;
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
