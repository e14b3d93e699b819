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

    /** The root cause's class and message, cleaned: the one line an operator needs. */
    public static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
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
