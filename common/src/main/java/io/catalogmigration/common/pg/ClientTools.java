package io.catalogmigration.common.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL client programs (pg_dump, psql, pg_basebackup, pg_verifybackup) are, for the services that run
 * them: the configured directory, else the highest {@code /usr/lib/postgresql/<major>/bin} (Debian's layout), else
 * whatever PATH finds. A client reads servers up to its own major only, hence the highest.
 */
public final class ClientTools {

    private static final Logger log = LoggerFactory.getLogger(ClientTools.class);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    /** @param configured a directory from the service's settings; null or blank to look for one */
    public static Path locate(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var best = versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(v -> Files.isExecutable(v.resolve("bin/pg_dump")))
                        .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())));
                if (best.isPresent()) {
                    return best.get().resolve("bin");
                }
            } catch (IOException e) {
                log.warn("could not list {}: {}", root, e.getMessage());
            }
        }
        return Path.of(""); // from PATH
    }

    /** The major version of a client program ({@code <program> --version}), or 0 when it cannot be run. */
    public static int major(Path bin, String program) {
        try {
            Process process = new ProcessBuilder(bin.resolve(program).toString(), "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return 0;
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private ClientTools() {
    }
}
