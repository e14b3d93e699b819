package io.catalogmigration.common.pg;

import java.nio.charset.StandardCharsets;

/** Quoting for identifiers that came from input. Values never go through here: they are bound parameters. */
public final class SqlIdentifier {

    private static final int MAX_BYTES = 63;

    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier must not be empty");
        }
        // PostgreSQL truncates past 63 bytes (NAMEDATALEN - 1), so a longer name would silently mean another object.
        if (identifier.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a PostgreSQL identifier (at most 63 bytes, no NUL)");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private SqlIdentifier() {
    }
}
