package io.catalogmigration.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims cluster directories (and their still-running servers) left behind by JVMs that were
 * killed before their shutdown hook could run, e.g. a CI job cancelled with SIGKILL. Without this
 * every such run leaks a postmaster, its shared memory and a directory in /tmp.
 */
final class LeftoverClusters {

    static final String PREFIX = "pgkit-";
    static final String OWNER_FILE = "owner.pid";

    /** A directory without an owner file is only being set up when it is this fresh. */
    private static final Duration SETUP_GRACE = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(LeftoverClusters.class);
    private static final AtomicBoolean swept = new AtomicBoolean();

    private LeftoverClusters() {
    }

    /** Sweeps at most once per JVM: leftovers only appear when a JVM dies. */
    static void sweepOnce(Path tmpRoot, PgTools tools) {
        if (!swept.compareAndSet(false, true)) {
            return;
        }
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(tmpRoot, PREFIX + "*")) {
            for (Path candidate : candidates) {
                if (Files.isDirectory(candidate) && isAbandoned(candidate)) {
                    reclaim(candidate, tools);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not look for leftover PostgreSQL clusters in {}: {}", tmpRoot, e.toString());
        }
    }

    static void writeOwner(Path baseDirectory) throws IOException {
        Files.writeString(baseDirectory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
    }

    private static boolean isAbandoned(Path directory) {
        try {
            Optional<Long> owner = readPid(directory.resolve(OWNER_FILE));
            if (owner.isPresent()) {
                return !isAlive(owner.get());
            }
            return Files.getLastModifiedTime(directory).toInstant().isBefore(Instant.now().minus(SETUP_GRACE));
        } catch (IOException | RuntimeException e) {
            // someone else's directory we cannot read is not ours to judge
            return false;
        }
    }

    private static void reclaim(Path directory, PgTools tools) {
        try {
            Path data = directory.resolve(PostgresCluster.DATA_DIRECTORY);
            Optional<Long> postmaster = readPid(data.resolve("postmaster.pid"));
            if (postmaster.isPresent() && isAlive(postmaster.get())) {
                // immediate: nobody will ever read this data again
                CommandResult stop = tools.run(directory, Duration.ofSeconds(60),
                        "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
                if (!stop.succeeded()) {
                    log.warn("could not stop leftover PostgreSQL in {}: {}", directory, stop.describe());
                    return;
                }
            }
            Directories.deleteRecursively(directory);
            log.info("removed leftover PostgreSQL cluster directory {}", directory);
        } catch (IOException | RuntimeException e) {
            log.warn("could not remove leftover PostgreSQL cluster directory {}: {}", directory, e.toString());
        }
    }

    private static Optional<Long> readPid(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(lines.get(0).strip()));
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
