package io.catalogmigration.cutover.switching;

import java.io.IOException;
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
 * old file or the new one, never half of each. The capture is the old file's exact content.
 */
public final class FileSwitcher implements SettingsSwitcher {

    static final String ABSENT = "\0absent";

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
        for (Map.Entry<String, String> e : settings.flatten().entrySet()) {
            text.append(env ? envName(e.getKey()) + "=" + quoteForEnv(e.getValue()) : e.getKey() + "=" + escape(e.getValue()))
                    .append('\n');
        }
        replace(text.toString());
    }

    @Override
    public void restore(String captured, Set<String> databases) throws IOException {
        if (ABSENT.equals(captured)) {
            Files.deleteIfExists(file);
        } else {
            replace(captured);
        }
    }

    private void replace(String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String quoteForEnv(String value) {
        return value.matches("[A-Za-z0-9_./:@?=&-]*") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }
}
