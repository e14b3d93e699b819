package io.catalogmigration.scan;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A row a check flagged. {@code ctid} is {@code (block,offset)}, or {@code block N} when only the block is known
 * (its rows cannot even be listed), which is reported but never deleted.
 */
record Suspect(String ctid, String error, Map<String, String> key) {

    private static final Pattern TID = Pattern.compile("\\(\\d+,\\d+\\)");

    Suspect(String ctid, String error) {
        this(ctid, error, null);
    }

    boolean addressable() {
        return TID.matcher(ctid).matches();
    }

    Suspect withKey(Map<String, String> readKey) {
        return new Suspect(ctid, error, readKey);
    }
}
