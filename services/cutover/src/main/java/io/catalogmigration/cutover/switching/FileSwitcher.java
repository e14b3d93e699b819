package io.catalogmigration.cutover.switching;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings as a file the application reads: {@code rosemeta.host=...} (PROPERTIES) or {@code ROSEMETA_HOST=...}
 * (ENV). Written to a temporary file in the same directory and renamed over the old one, so a reader sees either the
 * old file or the new one, never half of each. Every value is quoted or escaped for its format, so a hostile database
 * or host name stays a value. The capture is the old file's exact content.
 */
public final class FileSwitcher implements SettingsSwitcher {

    static final String ABSENT = "\0absent";
    private static final Logger log = LoggerFactory.getLogger(FileSwitcher.class);
    /** A file the cutover creates: the application's group may read it; it holds references, never a password. */
    private static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r-----");

    private final Path file;
    private final boolean env;

    public FileSwitcher(Path file, String format) {
        this.file = file.toAbsolutePath();
        this.env = "ENV".equalsIgnoreCase(format);
    }

    @Override
    public String describe() {
        return "file " + file + (env ? " (env format)" : " (properties format)");
    }

    @Override
    public List<String> problems(Set<String> databases) {
        List<String> problems = new ArrayList<>();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            problems.add("the directory of " + file + " does not exist (cutover.switcher.file)");
        } else if (!Files.isWritable(dir)) {
            problems.add("the service cannot write in " + dir + ", where " + file.getFileName() + " is replaced");
        } else if (Files.exists(file) && !Files.isReadable(file)) {
            problems.add("the service cannot read " + file + ", so it could not be restored on rollback");
        }
        return problems;
    }

    @Override
    public String capture(Set<String> databases) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : ABSENT;
    }

    @Override
    public void apply(ConnectionSettings settings) throws IOException {
        StringBuilder text = new StringBuilder("# Written by the cutover service: the databases the application uses.\n");
        Map<String, String> written = new HashMap<>();
        for (Map.Entry<String, String> e : settings.flatten().entrySet()) {
            if (env) {
                String name = envName(e.getKey());
                String earlier = written.put(name, e.getKey());
                if (earlier != null) {
                    throw new IOException("two settings would have the same variable " + name + " (" + earlier + " and "
                            + e.getKey() + "): database names that differ only in punctuation cannot share an env file; "
                            + "use the properties format");
                }
                text.append(name).append('=').append(quoteForEnv(e.getKey(), e.getValue()));
            } else {
                text.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false));
            }
            text.append('\n');
        }
        replace(text.toString());
    }

    @Override
    public void restore(String captured, Set<String> databases) throws IOException {
        if (ABSENT.equals(captured)) {
            Files.deleteIfExists(file);
            syncDirectory();
        } else {
            replace(captured);
        }
    }

    /**
     * Written to a temporary file in the same directory, given the old file's mode, owner and group (the application
     * may run as another user), flushed to disk, renamed over the old one, and the directory flushed too: after a crash
     * the file is the old one or the new one, whole.
     */
    private void replace(String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            keepAttributes(temporary);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void keepAttributes(Path temporary) throws IOException {
        if (!Files.exists(file)) {
            Files.setPosixFilePermissions(temporary, NEW_FILE_MODE);
            return;
        }
        PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
        Files.setPosixFilePermissions(temporary, old.permissions());
        var view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        try {
            if (!view.readAttributes().group().equals(old.group())) {
                view.setGroup(old.group());
            }
            if (!Files.getOwner(temporary).equals(old.owner())) {
                view.setOwner(old.owner());
            }
        } catch (IOException e) {
            // Only root may give a file away: the mode is kept, and the log says whose the file now is.
            log.warn("{} keeps its mode but now belongs to {} (it belonged to {}:{}): {}", file, Files.getOwner(temporary).getName(),
                    old.owner().getName(), old.group().getName(), e.getMessage());
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            log.debug("cannot flush directory {}: {}", file.getParent(), e.getMessage());
        }
    }

    /** {@code rosemeta.host} becomes {@code ROSEMETA_HOST}; a name may not start with a digit, so one gets a '_'. */
    static String envName(String key) {
        String name = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    /**
     * Always single-quoted: inside single quotes a POSIX shell (and docker's and dotenv's parsers) expands nothing, so
     * no {@code $(...)}, backquote, {@code &} or {@code ;} in a name can run. A line break cannot be written at all: the
     * formats that read env files disagree on it.
     */
    static String quoteForEnv(String key, String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the setting " + key + " holds a line break or control character, which an "
                    + "env file cannot carry safely: nothing was written");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** java.util.Properties' own escaping, so that Properties.load reads back exactly what was written. */
    static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
