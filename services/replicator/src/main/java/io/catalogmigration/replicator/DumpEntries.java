package io.catalogmigration.replicator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain pg_dump script split into its entries by pg_dump's own headers ({@code -- Name: x; Type: INDEX; ...}), so
 * entries can be left out (a denied extension) or applied one by one, in parallel where they are indexes.
 * A script given back to psql ({@link #script}) is wrapped again in the dump's own restricted mode (its
 * <code>&#92;restrict</code> key), so psql refuses any meta-command an object's name or comment could smuggle in
 * (CVE-2025-8714); over JDBC a meta-command is plain text and fails as SQL.
 */
record DumpEntries(String preamble, List<Entry> entries, String restrictKey) {

    record Entry(String name, String type, String schema, String sql) {

        boolean index() {
            return type.equals("INDEX");
        }

        boolean primaryKey() {
            return type.equals("CONSTRAINT") && sql.contains(" PRIMARY KEY ");
        }
    }

    private static final Pattern RESTRICT = Pattern.compile("^\\\\restrict ([A-Za-z0-9]+)$", Pattern.MULTILINE);
    private static final Pattern HEADER = Pattern.compile(
            "^--\\n-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*\\n--\\n", Pattern.MULTILINE);

    static DumpEntries parse(String script) {
        Matcher m = HEADER.matcher(script);
        List<Entry> entries = new ArrayList<>();
        int previousEnd = -1;
        String[] previous = null;
        String preamble = script;
        while (m.find()) {
            if (previous == null) {
                preamble = script.substring(0, m.start());
            } else {
                entries.add(new Entry(previous[0], previous[1], previous[2], clean(script.substring(previousEnd, m.start()))));
            }
            previous = new String[]{m.group(1), m.group(2), m.group(3)};
            previousEnd = m.end();
        }
        if (previous != null) {
            entries.add(new Entry(previous[0], previous[1], previous[2], clean(script.substring(previousEnd))));
        }
        Matcher restrict = RESTRICT.matcher(script);
        return new DumpEntries(clean(preamble), List.copyOf(entries), restrict.find() ? restrict.group(1) : null);
    }

    /**
     * The script for psql again, from the preamble and the given entries, inside the dump's restricted mode when the
     * dump had one (pg_dump 17.6, 16.10, 15.14, 14.19, 13.22 and later).
     */
    String script(List<Entry> kept) {
        var out = new StringBuilder();
        if (restrictKey != null) {
            out.append("\\restrict ").append(restrictKey).append('\n');
        }
        out.append(preamble).append('\n');
        kept.forEach(e -> out.append("\n-- ").append(e.type()).append(' ').append(e.name().replaceAll("[\r\n]", " "))
                .append('\n').append(e.sql()).append('\n'));
        if (restrictKey != null) {
            out.append("\n\\unrestrict ").append(restrictKey).append('\n');
        }
        return out.toString();
    }

    /**
     * Without the privileges given to {@code role} (pg_dump writes one GRANT or REVOKE per line in ACL entries, the
     * role's name quoted only where needed): for a role that is not created on the target.
     */
    DumpEntries withoutGrantsTo(String role) {
        String names = Pattern.quote(role) + "|" + Pattern.quote("\"" + role.replace("\"", "\"\"") + "\"");
        Pattern grant = Pattern.compile("^(ALTER DEFAULT PRIVILEGES .* )?(GRANT|REVOKE) .* (TO|FROM) (" + names
                + ")( WITH GRANT OPTION)?;$");
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            if (!e.type().equals("ACL") && !e.type().equals("DEFAULT ACL")) {
                kept.add(e);
                continue;
            }
            String sql = String.join("\n", e.sql().lines().filter(l -> !grant.matcher(l).matches()).toList()).strip();
            if (!sql.isEmpty()) {
                kept.add(new Entry(e.name(), e.type(), e.schema(), sql));
            }
        }
        return new DumpEntries(preamble, List.copyOf(kept), restrictKey);
    }

    /** The statements of the preamble that set up a session (SET ..., SELECT pg_catalog.set_config(...)). */
    List<String> sessionSettings() {
        return preamble.lines().filter(l -> l.startsWith("SET ") || l.startsWith("SELECT pg_catalog.set_config"))
                .toList();
    }

    /**
     * Without pg_dump's banner and its restricted-mode lines; any other line is kept as it is
     * (a comment's text may hold a line that starts with a backslash): over JDBC a meta-command is plain text, and
     * psql gets the script in restricted mode.
     */
    private static String clean(String text) {
        var out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("\\restrict ") || line.startsWith("\\unrestrict ") || line.startsWith("-- PostgreSQL database dump")
                    || line.startsWith("-- Dumped ")) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString().strip();
    }
}
