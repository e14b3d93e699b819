package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.SourceBackedUp;
import io.catalogmigration.common.hook.ChildProcesses;
import io.catalogmigration.common.hook.HookRunner;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.ClientTools;
import io.catalogmigration.common.pg.LibpqEnvironment;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * BACKUP: the runbook's first safety step, before prune deletes anything. Either the replicator takes a base backup of
 * the source server with pg_basebackup (plain format, WAL streamed alongside, fast checkpoint, a manifest) into a new
 * directory and checks it with pg_verifybackup, or the operator's hook takes or finds one and says where. Either way
 * the outcome says where the backup is, and the run's ledger keeps it.
 */
record SourceBackup(ReplicatorProperties.Backup settings, PgConnector connector, PgClients clients,
                    SecretResolver secrets, ProgressReporter progress, RunLedger ledger) {

    private static final Logger log = LoggerFactory.getLogger(SourceBackup.class);
    private static final Pattern PROGRESS = Pattern.compile("(\\d+)/(\\d+) kB");
    private static final String LOCATION = "BACKUP_LOCATION=";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Room for the WAL written while the backup runs, on top of the databases' size. */
    private static final double HEADROOM = 1.1;

    SourceBackedUp backUp(BackUpSource command) throws SQLException {
        return settings.hook() ? byHook(command) : byBaseBackup(command);
    }

    private SourceBackedUp byHook(BackUpSource command) {
        PgEndpoint source = command.source();
        List<String> output;
        try {
            output = new HookRunner(settings.timeout(), "replicator.backup.timeout", "hook", settings.environment()).run("backup", settings.command(), Map.of(
                    "MIGRATION_ID", command.migrationId(), "SOURCE_HOST", source.host(),
                    "SOURCE_PORT", String.valueOf(source.port()), "SOURCE_USER", source.user(),
                    "SOURCE_PASSWORD_REF", source.passwordRef()));
        } catch (HookRunner.HookFailed e) {
            throw new MigrationProblem(e.getMessage(), "fix the backup hook (replicator.backup.command) or what it "
                    + "reports, then send BackUpSource again with a new commandId; nothing was changed");
        }
        String location = output.stream().filter(l -> l.startsWith(LOCATION)).reduce((a, b) -> b)
                .map(l -> l.substring(LOCATION.length()).strip()).filter(l -> !l.isEmpty())
                .orElseThrow(() -> new MigrationProblem("the backup hook finished without saying where the backup is",
                        "make the hook print a line " + LOCATION + "<where> (a path, a URL, a backup label), then send "
                                + "BackUpSource again with a new commandId"));
        ledger.say(command.commandId(), "backup by the hook: " + location);
        return new SourceBackedUp(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                source.describe(), SourceBackedUp.COMMAND, location, 0, false,
                "not checked by the replicator: the hook answers for it", List.of());
    }

    private SourceBackedUp byBaseBackup(BackUpSource command) throws SQLException {
        PgEndpoint source = command.source();
        long databases;
        int serverMajor;
        try (Connection connection = connector.connect(source)) {
            databases = Long.parseLong(Sql.one(connection, "select sum(pg_database_size(oid))::bigint::text from pg_database"));
            serverMajor = Integer.parseInt(Sql.one(connection, "show server_version_num")) / 10_000;
        }
        Path directory = settings.directory().toAbsolutePath().resolve(safe(command.migrationId()) + "-" + STAMP.format(Instant.now()));
        List<String> notes = new ArrayList<>();
        try {
            Files.createDirectories(directory.getParent());
            long free = Files.getFileStore(directory.getParent()).getUsableSpace();
            if (free < databases * HEADROOM) {
                throw new MigrationProblem("not enough room for a backup of " + source.describe() + " in " + directory.getParent()
                        + ": its databases take " + mib(databases) + ", " + mib(free) + " is free",
                        "free space there or set replicator.backup.directory elsewhere, then send BackUpSource again with "
                                + "a new commandId; nothing was changed");
            }
            notes.add(mib(free) + " free in " + directory.getParent() + " before the backup; the databases take " + mib(databases));
        } catch (IOException e) {
            throw new MigrationProblem("cannot use the backup directory " + settings.directory() + ": " + e.getMessage(),
                    "create it, writable by the replicator, or set replicator.backup.directory, then send BackUpSource again");
        }
        ledger.say(command.commandId(), "pg_basebackup of " + source.describe() + " into " + directory);
        log.info("Backing up {} ({}) into {}", source.describe(), mib(databases), directory);
        long started = System.nanoTime();
        List<String> output = run(command, List.of(tool("pg_basebackup"), "--pgdata=" + directory, "--format=plain",
                "--wal-method=stream", "--checkpoint=fast", "--progress", "--no-password",
                "--label=catalog-migration " + command.migrationId()), source, "pg_basebackup of " + source.describe(), databases);
        long bytes = size(directory);
        log.info("Backup of {} taken in {} s: {} in {}", source.describe(), (System.nanoTime() - started) / 1_000_000_000,
                mib(bytes), directory);
        boolean verified = false;
        String verification = "not checked (replicator.backup.verify is false)";
        if (settings.verify()) {
            // pg_waldump, which pg_verifybackup runs on the backup's WAL, reads only its own major's WAL format (and
            // Debian ships it with the server, not the client tools)
            int clientMajor = ClientTools.major(clients.bin(), "pg_verifybackup");
            boolean parseWal = clientMajor == serverMajor && ClientTools.major(clients.bin(), "pg_waldump") == clientMajor;
            List<String> verify = new ArrayList<>(List.of(tool("pg_verifybackup")));
            if (!parseWal) {
                verify.add("--no-parse-wal");
            }
            verify.add(directory.toString());
            var check = run(command, verify, null, "pg_verifybackup of " + directory, 0);
            verified = true;
            verification = "pg_verifybackup: " + (check.isEmpty() ? "no complaint" : check.get(check.size() - 1))
                    + (parseWal ? "" : " (every file against the manifest; the WAL not parsed: " + (clientMajor == serverMajor
                    ? "no pg_waldump beside pg_verifybackup" : "pg_waldump " + clientMajor + " reads PostgreSQL " + clientMajor
                    + " WAL only, the source is " + serverMajor) + ")");
        }
        output.stream().filter(l -> l.contains("WARNING")).forEach(notes::add);
        ledger.say(command.commandId(), "backup of " + source.describe() + " at " + directory + " (" + mib(bytes) + "), "
                + verification);
        return new SourceBackedUp(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                source.describe(), SourceBackedUp.PG_BASEBACKUP, directory.toString(), bytes, verified, verification, notes);
    }

    /**
     * Runs a client tool with the source's password in PGPASSWORD only; its progress lines ({@code 1234/5678 kB}) are
     * reported. Returns its output lines; a failure or timeout is a MigrationProblem.
     */
    private List<String> run(BackUpSource command, List<String> arguments, PgEndpoint endpoint, String what, long expected) {
        var builder = new ProcessBuilder(arguments).redirectErrorStream(true);
        Map<String, String> own = new java.util.HashMap<>();
        if (endpoint != null) {
            // host, port, user, sslmode and password as PG* variables only: nothing of the login on the command line
            LibpqEnvironment.apply(own, endpoint, secrets, "catalog-migration-replicator");
        }
        // the client tools get the source's password and nothing else the service holds (no PGPASSFILE either)
        ChildProcesses.withEnvironment(builder, System.getenv(), settings.environment(), own);
        Deque<String> lines = new ArrayDeque<>();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new MigrationProblem("cannot run " + arguments.get(0) + ": " + e.getMessage(),
                    "install the PostgreSQL client tools (of the source's major or newer) or set replicator.bin-directory");
        }
        var started = Instant.now();
        Thread reader = new Thread(() -> read(process.getInputStream(), lines, command, started, expected), "backup-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.endTree(process);
                throw new MigrationProblem(what + " did not finish within " + settings.timeout() + " (replicator.backup.timeout)",
                        "give it longer, or check the source's load and the network, then send BackUpSource again");
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            ChildProcesses.endTree(process);
            Thread.currentThread().interrupt();
            throw new MigrationProblem(what + " was interrupted (the service is stopping)", "send BackUpSource again");
        }
        List<String> output;
        synchronized (lines) {
            output = List.copyOf(lines);
        }
        if (process.exitValue() != 0) {
            throw new MigrationProblem(what + " failed (exit " + process.exitValue() + "): "
                    + String.join(" | ", output.subList(Math.max(0, output.size() - 5), output.size())),
                    "fix what it says (a role with REPLICATION, a replication line in the source's pg_hba.conf, "
                            + "max_wal_senders, the client tools' major at least the source's), then send BackUpSource again "
                            + "with a new commandId; nothing was changed");
        }
        return output;
    }

    /** pg_basebackup ends its progress lines with a carriage return: both end a line here. */
    private void read(java.io.InputStream stream, Deque<String> lines, BackUpSource command, Instant started, long expected) {
        try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            var line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c != '\r' && c != '\n') {
                    line.append((char) c);
                    continue;
                }
                if (line.isEmpty()) {
                    continue;
                }
                String text = line.toString().strip();
                line.setLength(0);
                Matcher m = PROGRESS.matcher(text);
                if (m.find() && expected > 0) {
                    long done = Long.parseLong(m.group(1)) * 1024;
                    long total = Math.max(done, Long.parseLong(m.group(2)) * 1024);
                    progress.report(new Progress(command.migrationId(), command.commandId(), "backing up", done, total, "bytes",
                            started, text));
                    continue;
                }
                log.info("[backup] {}", text);
                synchronized (lines) {
                    lines.addLast(text);
                    if (lines.size() > 200) lines.removeFirst();
                }
            }
            if (!line.isEmpty()) {
                synchronized (lines) {
                    lines.addLast(line.toString().strip());
                }
            }
        } catch (IOException e) {
            log.debug("backup output ended: {}", e.getMessage());
        }
    }

    private String tool(String name) {
        return clients.bin().resolve(name).toString();
    }

    /** A migration id as part of a directory name: letters, digits, dot, dash and underscore. */
    static String safe(String migrationId) {
        String safe = migrationId.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.startsWith(".") ? "_" + safe.substring(1) : safe;
    }

    private static long size(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%,d MB", bytes >> 20);
    }
}
