package io.catalogmigration.common.secret;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes credentials out of text that may quote a URL or a connection string: {@code user:password@} in a URL's
 * authority, and the value of {@code password}, {@code sslpassword} or {@code pwd} parameters ({@code ?password=..},
 * {@code &password=..}, libpq's {@code password='..'}). For exception messages and log lines that a driver or a tool
 * wrote with the URL it was given, e.g. DriverManager's "No suitable driver found for jdbc:...?password=...".
 */
public final class Credentials {

    private static final String HIDDEN = "***";
    private static final Pattern USER_INFO = Pattern.compile("(://[^/@\\s:?#]*):[^@/\\s?#]*@");
    private static final Pattern QUOTED_PARAMETER = Pattern.compile("(?i)\\b((?:ssl)?password|pwd)(\\s*=\\s*)'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern PARAMETER = Pattern.compile("(?i)\\b((?:ssl)?password|pwd)(\\s*=\\s*)[^&;\\s'\"]*");

    /** The text with every credential it quotes replaced by {@value #HIDDEN}; null stays null. */
    public static String removedFrom(String text) {
        if (text == null) {
            return null;
        }
        String cleaned = USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + HIDDEN + "@"));
        cleaned = QUOTED_PARAMETER.matcher(cleaned).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + HIDDEN));
        return PARAMETER.matcher(cleaned).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + HIDDEN));
    }

    private Credentials() {
    }
}
