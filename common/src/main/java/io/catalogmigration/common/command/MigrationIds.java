package io.catalogmigration.common.command;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a migration id may be, for every service and the CLI alike. It keys the migration's messages, names and tags
 * what the provisioner creates, and stands in ledger rows, log lines, SQL comments and hook environments: so it is
 * plain (1-100 letters, digits, '.', '_' or '-', a letter or digit first), and a command with any other is refused
 * before anything is done.
 */
public final class MigrationIds {

    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Shown at most this long in a refusal: a hostile id may be a megabyte. */
    private static final int SHOWN = 40;

    private static boolean isValid(String migrationId) {
        return migrationId != null && PATTERN.matcher(migrationId).matches();
    }

    /** Why this is not a migration id, with the id shown escaped and cut; empty when it is one. */
    public static Optional<String> problem(String migrationId) {
        if (migrationId == null || migrationId.isEmpty()) {
            return Optional.of("migrationId is missing: give your name for the migration, e.g. rds-2025-06");
        }
        if (isValid(migrationId)) {
            return Optional.empty();
        }
        return Optional.of("migrationId " + shown(migrationId) + " must be 1-100 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit (it keys the migration's messages and names what is created)");
    }

    /** Quoted, control and non-ASCII characters as \\uXXXX, cut to {@value #SHOWN} characters. */
    static String shown(String value) {
        StringBuilder out = new StringBuilder("'");
        int end = Math.min(value.length(), SHOWN);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' ? String.valueOf(c) : "\\u%04x".formatted((int) c));
        }
        out.append('\'');
        if (value.length() > SHOWN) {
            out.append(" (cut; ").append(value.length()).append(" characters)");
        }
        return out.toString();
    }

    private MigrationIds() {
    }
}
