package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/** The steps that turn an empty directory into a running server, and back. */
final class ClusterSetup {

    static final String LOG_FILE = "server.log";

    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30);
    private static final int PORT_ATTEMPTS = 5;
    /** sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final String LOG_TAIL_HINT = "\n--- last lines of the server log ---\n";

    private ClusterSetup() {
    }

    static Path createBaseDirectory(Path tmpRoot, String name, PgTools tools) throws IOException {
        Path base = Files.createTempDirectory(tmpRoot, LeftoverClusters.PREFIX + name + "-");
        LeftoverClusters.writeOwner(base);
        if (tools.runsAsOsUser()) {
            Directories.chown(base, PgTools.OS_USER);
        }
        return base;
    }

    static void initdb(PgTools tools, Path base, String superuser, String password) throws IOException {
        // initdb reads the password from a file so it never shows up in a process listing.
        Path pwfile = base.resolve("initdb.pw");
        Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
        if (tools.runsAsOsUser()) {
            Directories.chown(pwfile, PgTools.OS_USER);
        }
        try {
            CommandResult result = tools.run(base, INITDB_TIMEOUT, "initdb",
                    "-D", base.resolve(PostgresCluster.DATA_DIRECTORY).toString(),
                    "--auth=scram-sha-256", "--username=" + superuser,
                    "--pwfile=" + pwfile, "--encoding=UTF8", "--locale=C",
                    // a throwaway cluster does not need to survive an OS crash; saves seconds
                    "--no-sync");
            if (!result.succeeded()) {
                String hint = tools.runsAsOsUser()
                        ? "\n(initdb runs as the OS user '" + PgTools.OS_USER + "', which needs access to every parent of "
                                + base + "; set java.io.tmpdir to a directory it can reach)"
                        : "";
                throw new IllegalStateException("initdb failed: " + result.describe() + hint);
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /** Appends our settings to postgresql.conf, where later lines win, and replaces pg_hba.conf. */
    static void configure(Path base, Map<String, String> settings) throws IOException {
        Path data = base.resolve(PostgresCluster.DATA_DIRECTORY);
        StringBuilder conf = new StringBuilder("\n# added by test-kit PostgresCluster\n");
        settings.forEach((key, value) ->
                conf.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
        if (!settings.containsKey("unix_socket_directories")) {
            // our own directory, because /var/run/postgresql is often missing or not writable;
            // if that is too deep for a Unix socket, none: TCP is all the kit uses anyway
            String socketDirectory = base.resolve(".s.PGSQL.65535").toString().length() <= MAX_SOCKET_PATH
                    ? base.toString().replace("'", "''")
                    : "";
            conf.append("unix_socket_directories = '").append(socketDirectory).append("'\n");
        }
        // Writing into the existing files keeps them owned by the postgres user.
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), """
                # written by test-kit PostgresCluster: password logins only, loopback only
                local   all           all                     scram-sha-256
                host    all           all     127.0.0.1/32    scram-sha-256
                host    replication   all     127.0.0.1/32    scram-sha-256
                """, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Starts the server and returns its port. A free port found now may be taken by the time the
     * server binds it, so a clash is retried on another port; a fixed port is tried once.
     */
    static int start(PgTools tools, Path base, Integer fixedPort) throws IOException {
        Path log = base.resolve(LOG_FILE);
        int attempts = fixedPort == null ? PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int port = fixedPort == null ? freePort() : fixedPort;
            long logOffset = Files.exists(log) ? Files.size(log) : 0;
            CommandResult result = tools.run(base, PG_CTL_TIMEOUT, "pg_ctl", "-w", "-t", Integer.toString(PG_CTL_WAIT_SECONDS),
                    "-D", base.resolve(PostgresCluster.DATA_DIRECTORY).toString(), "-l", log.toString(),
                    "-o", "-p " + port, "start");
            if (result.succeeded()) {
                return port;
            }
            // pg_ctl may give up waiting while the server still comes up; make sure it is gone
            stop(tools, base, "immediate");
            if (attempt >= attempts || !portClash(log, logOffset)) {
                throw new IllegalStateException("PostgreSQL did not start on port " + port + ": " + result.describe()
                        + LOG_TAIL_HINT + Directories.tail(log, 40));
            }
        }
    }

    /** Stops the server if it runs; true when it is down afterwards. */
    static boolean stop(PgTools tools, Path base, String mode) {
        Path data = base.resolve(PostgresCluster.DATA_DIRECTORY);
        if (!Files.exists(data.resolve("postmaster.pid"))) {
            return true;
        }
        CommandResult result = tools.run(base, PG_CTL_TIMEOUT, "pg_ctl", "-D", data.toString(),
                "-m", mode, "-w", "-t", Integer.toString(PG_CTL_WAIT_SECONDS), "stop");
        return result.succeeded() || !Files.exists(data.resolve("postmaster.pid"));
    }

    private static boolean portClash(Path log, long offset) throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        byte[] all = Files.readAllBytes(log);
        String recent = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
        return recent.contains("could not bind") || recent.contains("Address already in use");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free TCP port on 127.0.0.1", e);
        }
    }
}
