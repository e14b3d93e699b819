package io.catalogmigration.common.pg;

/** Quoting for identifiers that came from input. Values never go through here: they are bound parameters. */
public final class SqlIdentifier {

    private static final int MAX_LENGTH = 63;

    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier must not be empty");
        }
        if (identifier.length() > MAX_LENGTH || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a PostgreSQL identifier (at most 63 characters, no NUL)");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private SqlIdentifier() {
    }
}
