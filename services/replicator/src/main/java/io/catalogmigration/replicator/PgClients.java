package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.hook.ChildProcesses;
import io.catalogmigration.common.pg.ClientTools;
import io.catalogmigration.common.pg.LibpqEnvironment;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs pg_dump and psql. The login reaches the child only through PG* variables in its own environment: never on
 * a command line, in a log line or in an exception message. That environment is built from an allow-list
 * ({@link #environment}).
 */
class PgClients {

    private static final Logger log = LoggerFactory.getLogger(PgClients.class);
    private static final long TIMEOUT_MINUTES = 240;

    private final Path bin;
    private final SecretResolver secrets;

    PgClients(String binDirectory, SecretResolver secrets) {
        this.bin = ClientTools.locate(binDirectory);
        this.secrets = secrets;
    }

    Path bin() {
        return bin;
    }

    /** {@code pg_dump --schema-only --section=<section>} of the endpoint's database, in plain SQL, into a file. */
    String dumpSchemaSection(PgEndpoint source, String section) {
        Path out = tempFile("schema-" + section);
        try {
            run(source, List.of(tool("pg_dump"), "--schema-only", "--section=" + section, "--no-password",
                    "--file=" + out), "pg_dump --section=" + section + " of " + source.describe());
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MigrationProblem("cannot read the schema dump of " + source.describe() + ": " + e.getMessage(),
                    "check the temporary directory of the replicator, then send the command again");
        } finally {
            delete(out);
        }
    }

    /** Runs a script with psql in one transaction, stopping on the first error (all or nothing). */
    void runScript(PgEndpoint target, String script, String what) {
        Path file = tempFile("script");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            run(target, List.of(tool("psql"), "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                    "--file=" + file), what);
        } catch (IOException e) {
            throw new MigrationProblem("cannot write a script for " + what + ": " + e.getMessage(),
                    "check the temporary directory of the replicator, then send the command again");
        } finally {
            delete(file);
        }
    }

    private void run(PgEndpoint endpoint, List<String> command, String what) {
        // Host, port, database, user, sslmode and password as PG* variables: no name on the command line.
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment(System.getenv(), endpoint, secrets));
        Path output = tempFile("output");
        builder.redirectOutput(output.toFile());
        long started = System.nanoTime();
        try {
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new MigrationProblem(what + " did not finish within " + TIMEOUT_MINUTES + " minutes",
                        "check the servers' load and locks, then send the command again (finished steps are kept)");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new MigrationProblem(what + " failed (exit " + process.exitValue() + "): " + tail(text),
                        "fix what the message says, then send the command again (finished steps are kept)");
            }
            log.info("{} took {} ms", what, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new MigrationProblem("cannot run " + command.get(0) + ": " + e.getMessage(),
                    "install the PostgreSQL client tools of the source's major version or set replicator.bin-directory");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationProblem(what + " was interrupted", "send the command again");
        } finally {
            delete(output);
        }
    }

    /**
     * The child's whole environment: PATH, HOME, LANG, LC_* and TZ of the service's ({@link ChildProcesses#BASE}), then
     * the libpq PG* variables of this login. Nothing else the service holds (DB_PW, FOO_API_KEY, its own PG* or
     * PGPASSFILE) reaches pg_dump or psql: an allow-list, not the service's environment minus a deny-list.
     */
    static Map<String, String> environment(Map<String, String> parent, PgEndpoint endpoint, SecretResolver secrets) {
        Map<String, String> login = new LinkedHashMap<>();
        LibpqEnvironment.apply(login, endpoint, secrets, "catalog-migration-replicator");
        return ChildProcesses.environment(parent, List.of(), login);
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    private static String tail(String text) {
        return text.length() <= 1500 ? text : "..." + text.substring(text.length() - 1500);
    }

    private static Path tempFile(String prefix) {
        try {
            return Files.createTempFile("replicator-" + prefix + "-", ".sql",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new MigrationProblem("cannot create a temporary file: " + e.getMessage(),
                    "check the temporary directory of the replicator");
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.getMessage());
        }
    }
}
