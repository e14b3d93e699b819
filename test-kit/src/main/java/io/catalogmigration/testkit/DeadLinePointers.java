package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks heap tuples dead in a stopped server's data file, the way a lost write or a bad repair leaves them: their
 * indexes still point at them, and a fetch finds nothing. The layout is PostgreSQL's (bufpage.h, itemid.h): 8 kB
 * pages in 1 GB segment files, a 24-byte page header, then one 4-byte line pointer per tuple, little-endian bit
 * fields lp_off:15, lp_flags:2, lp_len:15. The test kit's clusters have no data checksums, so nothing else changes.
 */
final class DeadLinePointers {

    private static final int PAGE = 8192;
    private static final long BLOCKS_PER_SEGMENT = (1L << 30) / PAGE;
    private static final int PAGE_HEADER = 24;
    private static final int LP_DEAD = 3;
    private static final Pattern TID = Pattern.compile("\\((\\d+),(\\d+)\\)");

    private DeadLinePointers() {
    }

    /** @param relationFile the relation's first segment; {@code tids} as PostgreSQL prints them, "(block,offset)" */
    static void mark(Path relationFile, List<String> tids) throws IOException {
        for (String tid : tids) {
            Matcher m = TID.matcher(tid);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a tid: " + tid);
            }
            long block = Long.parseLong(m.group(1));
            int offset = Integer.parseInt(m.group(2));
            long segment = block / BLOCKS_PER_SEGMENT;
            Path file = segment == 0 ? relationFile : relationFile.resolveSibling(relationFile.getFileName() + "." + segment);
            try (RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw")) {
                long position = (block % BLOCKS_PER_SEGMENT) * PAGE + PAGE_HEADER + 4L * (offset - 1);
                data.seek(position);
                int pointer = Integer.reverseBytes(data.readInt());
                pointer = (pointer & ~(3 << 15)) | (LP_DEAD << 15);
                data.seek(position);
                data.writeInt(Integer.reverseBytes(pointer));
            }
        }
    }
}
