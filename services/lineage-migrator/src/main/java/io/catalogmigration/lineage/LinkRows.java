package io.catalogmigration.lineage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the link stream's rows in COPY's text format: {@code source, source_otype, target, target_otype, source temp,
 * target temp}, tab-separated, with COPY's backslash escapes. The object types repeat on every row and there are few
 * of them, so each distinct one is decoded once and shared.
 */
final class LinkRows {

    private static final int KNOWN_TYPES = 64;

    private final byte[][] typeBytes = new byte[KNOWN_TYPES][];
    private final String[] types = new String[KNOWN_TYPES];
    private int knownTypes;
    private byte[] row;
    private int at;

    Link link(byte[] row) {
        this.row = row;
        this.at = 0;
        long source = id("source");
        String sourceOtype = type();
        long target = id("target");
        String targetOtype = type();
        boolean sourceTemp = flag();
        boolean targetTemp = flag();
        return new Link(source, sourceOtype, target, targetOtype, sourceTemp, targetTemp);
    }

    private long id(String column) {
        int end = fieldEnd();
        if (end - at == 2 && row[at] == '\\' && row[at + 1] == 'N') {
            throw new IllegalStateException("a link's " + column + " is null in the link table: every link needs both ends' ids");
        }
        boolean negative = row[at] == '-';
        long value = 0;
        for (int i = negative ? at + 1 : at; i < end; i++) {
            value = value * 10 + (row[i] - '0');
        }
        at = end + 1;
        return negative ? -value : value;
    }

    private String type() {
        int end = fieldEnd();
        String value;
        if (end - at == 2 && row[at] == '\\' && row[at + 1] == 'N') {
            value = null;
        } else {
            value = known(at, end);
            if (value == null) {
                value = unescape(at, end);
                if (knownTypes < KNOWN_TYPES) {
                    typeBytes[knownTypes] = Arrays.copyOfRange(row, at, end);
                    types[knownTypes++] = value;
                }
            }
        }
        at = end + 1;
        return value;
    }

    private boolean flag() {
        boolean value = row[at] == 't';
        at = fieldEnd() + 1;
        return value;
    }

    private String known(int from, int to) {
        for (int i = 0; i < knownTypes; i++) {
            if (Arrays.equals(typeBytes[i], 0, typeBytes[i].length, row, from, to)) {
                return types[i];
            }
        }
        return null;
    }

    private int fieldEnd() {
        int i = at;
        while (i < row.length && row[i] != '\t' && row[i] != '\n') {
            i++;
        }
        return i;
    }

    /** COPY's text escapes: backslash, then b, f, n, r, t, v, an octal or hex byte, or the character itself. */
    private String unescape(int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = row[i];
            if (b != '\\' || i + 1 == to) {
                out[n++] = b;
                continue;
            }
            byte c = row[++i];
            switch (c) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0b;
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
                        value = value * 16 + Character.digit(row[++i], 16);
                        digits++;
                    }
                    out[n++] = digits == 0 ? (byte) 'x' : (byte) value;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        for (int digits = 1; digits < 3 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7'; digits++) {
                            value = value * 8 + (row[++i] - '0');
                        }
                        out[n++] = (byte) value;
                    } else {
                        out[n++] = c;
                    }
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
