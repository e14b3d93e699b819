package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server binaries of one major: this machine's packages by default, another major from the
 * installed packages or Maven Central's builds ({@link PostgresBinaries}). initdb and the server refuse to run as
 * root, so when this JVM is root every tool runs as the {@code postgres} OS user through runuser.
 */
final class PgTools {

    static final String OS_USER = "postgres";

    private static final String INSTALL_HINT = "install the PostgreSQL server package, e.g. `apt-get install postgresql`";
    private static final Pattern VERSION_DIRECTORY = Pattern.compile("\\d+(\\.\\d+)?");

    private static volatile PgTools local;
    private static final Map<Integer, PgTools> BY_MAJOR = new ConcurrentHashMap<>();
    private static final Map<Integer, PgTools> RDS_BY_MAJOR = new ConcurrentHashMap<>();

    private final Path binDirectory;
    private final boolean runAsOsUser;

    private PgTools(Path binDirectory, boolean runAsOsUser) {
        this.binDirectory = binDirectory;
        this.runAsOsUser = runAsOsUser;
    }

    static PgTools local() {
        PgTools tools = local;
        if (tools == null) {
            synchronized (PgTools.class) {
                if (local == null) {
                    local = new PgTools(locateBinDirectory(), runningAsRoot());
                }
                tools = local;
            }
        }
        return tools;
    }

    /**
     * The server binaries of one major: {@code /usr/lib/postgresql/<major>/bin} when the package is installed,
     * else the build from Maven Central that the test-kit build fetched; what is missing when neither is there.
     */
    static PgTools forMajor(int major) {
        return BY_MAJOR.computeIfAbsent(major, m -> {
            Path installed = Path.of("/usr/lib/postgresql", Integer.toString(m), "bin");
            Path bin = isComplete(installed) ? installed : PostgresBinaries.binDirectory(m).orElseThrow(() ->
                    new IllegalStateException("PostgreSQL " + m + " server binaries are missing: not installed under "
                            + installed + " and the test kit declares no Maven Central build of " + m
                            + " (postgres" + m + ".version in test-kit/pom.xml); install postgresql-" + m
                            + " or add the build"));
            return new PgTools(bin, runningAsRoot());
        });
    }

    /**
     * The server binaries of one major as an RDS instance has them: Maven Central's build with RDS's extension
     * allow-list emulated ({@link PostgresBinaries#rdsBinDirectory}); the plain binaries of {@link #forMajor} when no
     * such build is declared for the major (then the administrator cannot create amcheck or pg_visibility).
     */
    static PgTools rdsForMajor(int major) {
        return RDS_BY_MAJOR.computeIfAbsent(major, m -> PostgresBinaries.rdsBinDirectory(m)
                .map(bin -> new PgTools(bin, runningAsRoot())).orElseGet(() -> forMajor(m)));
    }

    /**
     * Where pg_dump, pg_restore and psql are: the installed client tools, which read older servers too. The
     * Maven Central server builds come without them, so a cluster of any major is dumped with these.
     */
    static Path clientBinDirectory() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                List<Path> withClients = new ArrayList<>();
                for (Path entry : entries) {
                    if (VERSION_DIRECTORY.matcher(entry.getFileName().toString()).matches()
                            && Files.isExecutable(entry.resolve("bin/pg_dump"))) {
                        withClients.add(entry);
                    }
                }
                Optional<Path> highest = withClients.stream()
                        .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())));
                if (highest.isPresent()) {
                    return highest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not list " + root, e);
            }
        }
        return local().binDirectory();
    }

    Path binDirectory() {
        return binDirectory;
    }

    boolean runsAsOsUser() {
        return runAsOsUser;
    }

    CommandResult run(Path workDirectory, Duration timeout, String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (runAsOsUser) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(binDirectory.resolve(tool).toString());
        command.addAll(Arrays.asList(args));
        // The JVM's own working directory is often unreadable for the postgres user.
        return OsCommands.run(command, workDirectory == null ? Path.of("/") : workDirectory, timeout);
    }

    private static Path locateBinDirectory() {
        return onPath().or(PgTools::highestInstalledVersion).orElseThrow(() -> new IllegalStateException(
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) were found neither on PATH nor under "
                        + "/usr/lib/postgresql/*/bin: " + INSTALL_HINT));
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    // Debian links initdb into /usr/local/bin or wraps it in /usr/bin; the real
                    // directory is the one that also holds pg_ctl, postgres and pg_dump.
                    Path real = initdb.toRealPath().getParent();
                    if (isComplete(real)) {
                        return Optional.of(real);
                    }
                } catch (IOException e) {
                    // a dangling link: keep looking
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> highestInstalledVersion() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        List<Path> versions = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (VERSION_DIRECTORY.matcher(entry.getFileName().toString()).matches()
                        && isComplete(entry.resolve("bin"))) {
                    versions.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + root, e);
        }
        return versions.stream()
                .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                .map(v -> v.resolve("bin"));
    }

    private static boolean isComplete(Path directory) {
        return Files.isExecutable(directory.resolve("initdb"))
                && Files.isExecutable(directory.resolve("pg_ctl"))
                && Files.isExecutable(directory.resolve("postgres"));
    }

    private static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        CommandResult id = OsCommands.run(List.of("id", "-u"), null, Duration.ofSeconds(10));
        return id.succeeded() && id.output().strip().equals("0");
    }
}
