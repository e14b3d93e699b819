package io.catalogmigration.common.verify;

import java.util.List;

/**
 * A row (or, for a table without a key, a set of rows) that is not the same on both servers.
 *
 * @param key    the row's key as text, one value per key column; empty for a table without a key
 * @param detail what differs: missing on the target, extra on the target, or different contents
 */
public record Difference(String table, List<String> key, String detail) {

    public String describe() {
        return table + (key.isEmpty() ? "" : " key " + key) + ": " + detail;
    }
}
