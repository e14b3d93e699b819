package io.catalogmigration.common.logging;

import org.postgresql.util.PSQLException;

import java.util.regex.Pattern;

/**
 * An error's text fit for a dead-letter header, an outcome or a log line. PostgreSQL's {@code Detail:} line quotes
 * row values ({@code Key (id)=(42) is still referenced}, a failing row's every column) and {@code Where:} quotes
 * function bodies and statements: both are cut. Control characters (a newline in a header, an escape sequence in a
 * terminal) become spaces, and the text is bounded.
 */
public final class ErrorText {

    /** Longest reason a header carries. */
    public static final int MAX_LENGTH = 1000;

    /** pgjdbc prints a server error as "ERROR: message" then "  Detail: ...", "  Hint: ...", "  Where: ..." lines. */
    private static final Pattern SERVER_CONTEXT = Pattern.compile(
            "(?s)(\\R|\\s{2,}|^)\\s*(Detail|DETAIL|Where|WHERE|CONTEXT|Internal Query|Failing row contains)[:\\s].*$");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]+");

    private ErrorText() {
    }

    /**
     * The root cause's class and message, cleaned: the one line an operator needs. A message that could not be read
     * names the field: a record's constructor refusing a null ({@code "databases": [null]}) says so and where, not
     * only "NullPointerException: null".
     */
    public static String rootCause(Throwable t) {
        Throwable root = t;
        tools.jackson.core.JacksonException json = null;
        for (Throwable each = t; each != null; each = each.getCause() == each ? null : each.getCause()) {
            if (each instanceof tools.jackson.core.JacksonException j) {
                json = j;
            }
            root = each;
        }
        if (json != null && json != root) {
            String where = json.getPathReference();
            String what = root instanceof NullPointerException
                    ? "a null where a value is required (a null in a list, or a required field missing or null)"
                    : root.getClass().getSimpleName() + ": " + primary(root);
            return clean("unreadable message at " + (where == null || where.isBlank() ? "its top level" : where) + ": " + what);
        }
        return clean(root.getClass().getSimpleName() + ": " + primary(root));
    }

    /** A throwable's message, cleaned; a PostgreSQL error gives its primary message only. */
    public static String message(Throwable t) {
        return clean(primary(t));
    }

    private static String primary(Throwable t) {
        if (t instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return t.getMessage();
    }

    /** Without the server's detail and context, without control characters, at most {@link #MAX_LENGTH} characters. */
    public static String clean(String text) {
        if (text == null) {
            return "null";
        }
        String cut = SERVER_CONTEXT.matcher(text).replaceFirst("");
        String flat = CONTROL.matcher(cut).replaceAll(" ").strip();
        return flat.length() <= MAX_LENGTH ? flat : flat.substring(0, MAX_LENGTH - 3) + "...";
    }
}
