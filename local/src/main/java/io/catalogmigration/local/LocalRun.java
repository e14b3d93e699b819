package io.catalogmigration.local;

import io.catalogmigration.cli.MigrateCli;
import io.catalogmigration.common.pg.ClientTools;
import io.catalogmigration.cutover.CutoverApplication;
import io.catalogmigration.lineage.LineageApplication;
import io.catalogmigration.provisioner.ProvisionerApplication;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.scan.ScanApplication;
import io.catalogmigration.testkit.ApplicationRole;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleCorruption;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.SwitchingWriter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The main job on an embedded default: an in-process broker, a source and a target PostgreSQL, a generated sample
 * catalog with old rows, a few corrupted rows and lineage links, all six services, and an application writing to the
 * source throughout as its own role (it follows the settings file the cutover switches). The whole migration is run by
 * the operators' CLI, {@code migrate runbook --unattended}, exactly as an operator would run it; a short report and the
 * replication back to the source, still running after the switch, with its lag ({@code migrate cutover fallback}) end
 * it.
 * Usage: {@code LocalRun [approximate prunable rows, default 250000] [--source-version 13] [--target-version 17]}:
 * by default the runbook's servers, a PostgreSQL 13 source and an RDS-shaped 17 target.
 */
public final class LocalRun {

    static final String APPLICATION_ROLE = "catalog_app";
    /** The login the source replicates the application's writes back with after the switch; created on the target. */
    static final String FALLBACK_LOGIN = "catalog_fallback";

    /** What a run did, for the report and for tests that look at the servers before the stack stops. */
    record Result(int exitCode, String output, String migrationId, Set<Long> corruptedIds, Duration writerLongestGap,
                  long writesOnSource, long writesOnTarget, long writerFailures, List<String> secrets, double seconds,
                  ApplicationRole application) {
    }

    /** Looks at the stack after the runbook, before it stops. */
    interface Inspection {
        void inspect(LocalStack stack, Result result) throws Exception;
    }

    /**
     * Usage: {@code LocalRun [rows] [--source-version N] [--target-version N] [--exit]}; without {@code --exit} the
     * stack stays up until Enter is pressed.
     */
    public static void main(String[] args) throws Exception {
        long rows = 250_000;
        Integer sourceMajor = LocalStack.Servers.RUNBOOK.sourceMajor();
        Integer targetMajor = LocalStack.Servers.RUNBOOK.targetMajor();
        boolean exit = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--source-version" -> sourceMajor = major(args, ++i);
                case "--target-version" -> targetMajor = major(args, ++i);
                case "--exit" -> exit = true;
                default -> rows = Long.parseLong(args[i].replace("_", ""));
            }
        }
        System.exit(run(rows, new LocalStack.Servers(sourceMajor, targetMajor),
                exit ? (stack, result) -> { } : LocalRun::untilEnter).exitCode());
    }

    /** Keeps the console (and the servers behind it) up for a look at the finished run. */
    private static void untilEnter(LocalStack stack, Result result) throws IOException {
        say("The console stays at %s with the whole run; press Enter to stop everything", stack.consoleAddress());
        new BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
    }

    private static int major(String[] args, int i) {
        if (i >= args.length || !args[i].matches("\\d{2}")) {
            throw new IllegalArgumentException(args[i - 1] + " needs a PostgreSQL major version, e.g. 13 or 17");
        }
        return Integer.parseInt(args[i]);
    }

    static Result run(long rows, LocalStack.Servers servers, Inspection inspection) throws Exception {
        long started = System.nanoTime();
        try (var stack = LocalStack.start(false, servers)) {
            say("Started Kafka (%s), source PostgreSQL %d (port %d, wal_level=logical) and target PostgreSQL %d standing in "
                    + "for RDS (port %d, the services log in as %s%s)", stack.kafka.bootstrapServers(),
                    stack.source.majorVersion(), stack.source.port(), stack.target.majorVersion(), stack.target.port(),
                    stack.target.adminUser(), stack.target.rdsShaped() ? ", not a superuser" : ", a superuser");
            var sample = SampleCatalog.generate(stack.source, SampleSize.ofRows(rows));
            Set<Long> corrupted = SampleCorruption.damage(stack.source, SampleCatalog.ROSEMETA, 3);
            say("Generated sample catalog: %,d prunable rows over 12 months, %d corrupted rows in %s, lineage links (%.1f s)",
                    sample.size().prunableRows(), corrupted.size(), SampleCorruption.TABLE, sample.generationTime().toMillis() / 1000.0);

            Path work = Files.createTempDirectory("local-run");
            Path settings = work.resolve("application-db.properties");
            // The application logs in as its own role, as the catalog's does: the cutover fences it out of the source
            // and confirms it works on the target, where the replicator creates it with the same password.
            var application = ApplicationRole.create(stack.source, APPLICATION_ROLE, SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE);
            SwitchingWriter.writeSettings(settings, SampleCatalog.ROSEMETA, stack.source.host(), stack.source.port(),
                    application.name(), application.secretRef());
            String replicationPassword = "Repl-" + UUID.randomUUID();
            String replicationRef = secretFile(work, "replication.password", replicationPassword);
            String fallbackRef = secretFile(work, "fallback.password", "Fallback-" + UUID.randomUUID());

            stack.startService(PruneApplication.class, Map.of());
            stack.startService(ScanApplication.class, Map.of());
            stack.startService(ProvisionerApplication.class, Map.of("provisioner.local.secret-directory", work.toString(),
                    "provisioner.local.snapshot-directory", work.resolve("snapshots").toString()));
            stack.startService(LineageApplication.class, Map.of());
            stack.startService(ReplicatorApplication.class, Map.of("replicator.backup.directory", work.resolve("backups").toString()));
            stack.startService(CutoverApplication.class, Map.of("cutover.switcher.file", settings.toString()));
            say("Started the six services; the application writes to the source and reads its settings from %s", settings);
            say("The console shows the run live at %s", stack.startConsole());

            String migrationId = "local-" + UUID.randomUUID().toString().substring(0, 8);
            int code;
            StringBuilder output = new StringBuilder();
            try (var writer = new SwitchingWriter(settings, SampleCatalog.ROSEMETA)) {
                var out = new PrintWriter(new Tee(output), true);
                code = MigrateCli.run(runbookArguments(stack, migrationId, replicationRef, application, fallbackRef),
                        new BufferedReader(new StringReader("")), out, out);
                if (code == 0) {
                    // The application goes on writing on the target; the source applies it all (the fallback).
                    Thread.sleep(2_000);
                    say("The cutover leaves the replication back to the source running: 'migrate cutover fallback' shows it");
                    MigrateCli.run(cutoverArguments(stack, migrationId, "fallback", "--wait", "--timeout", "60s"),
                            new BufferedReader(new StringReader("")), out, out);
                }
                out.flush();
                writer.close();
                List<String> secrets = secrets(stack, work, replicationPassword);
                secrets.add(application.password());
                var result = new Result(code, output.toString(), migrationId, corrupted, writer.longestGap(),
                        writer.writesOn(stack.source.host() + ":" + stack.source.port()),
                        writer.writesOn(stack.target.host() + ":" + stack.target.port()), writer.failures(),
                        secrets, (System.nanoTime() - started) / 1e9, application);
                System.out.printf(Locale.ROOT, "%nThe application wrote %,d times to the source and %,d times to the target; "
                        + "its longest wait between two writes was %.2f s (the write downtime it saw).%n",
                        result.writesOnSource(), result.writesOnTarget(), result.writerLongestGap().toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "Whole local run (sample generation, services, runbook): %.1f s%n", result.seconds());
                inspection.inspect(stack, result);
                return result;
            }
        }
    }

    /** What an operator would type, with the stack's servers; secrets as references only. */
    private static String[] runbookArguments(LocalStack stack, String migrationId, String replicationRef,
                                             ApplicationRole application, String fallbackRef) {
        List<String> args = new ArrayList<>(List.of("runbook",
                "--bootstrap-servers", stack.kafka.bootstrapServers(),
                "--migration-id", migrationId,
                "--source-host", stack.source.host(), "--source-port", Integer.toString(stack.source.port()),
                "--source-user", stack.source.superuser(), "--source-password-ref", stack.source.secretRef(),
                // the local servers have no TLS certificates: said explicitly, the default being verify-full
                "--source-sslmode", "disable", "--target-sslmode", "disable",
                "--provider", "local",
                "--target-host", stack.target.host(), "--target-port", Integer.toString(stack.target.port()),
                "--target-user", stack.target.adminUser(), "--target-password-ref", stack.target.adminSecretRef(),
                "--target-address", "127.0.0.1",
                "--replication-password-ref", replicationRef,
                "--role-password-ref", application.name() + "=" + application.secretRef(),
                "--app-user", application.name(), "--app-password-ref", application.secretRef(),
                "--fallback-user", FALLBACK_LOGIN, "--fallback-password-ref", fallbackRef,
                "--check-interval", "1s",
                "--unattended"));
        // What RDS cannot have (file_fdw, its server, its foreign table), accepted as the runbook drops it.
        SampleCatalog.LEFT_BEHIND_ON_RDS.forEach(object -> args.addAll(List.of("--accept-loss", object)));
        for (String role : SampleCatalog.loginRoles()) {
            if (!role.equals(SampleCatalog.APPLICATION_ROLE)) {
                args.addAll(List.of("--role-password-ref", role + "=" + SampleCatalog.roleSecretRef(stack.source, role)));
            }
        }
        // The local provider's snapshot is a pg_dump, which reads servers up to its own major only.
        int pgDump = ClientTools.major(stack.target.binDirectory(), "pg_dump");
        if (pgDump < stack.target.majorVersion()) {
            say("The runbook's last step (the target's first snapshot) is left out: the installed pg_dump %d cannot dump the "
                    + "PostgreSQL %d target", pgDump, stack.target.majorVersion());
            args.addAll(List.of("--skip", "snapshot"));
        }
        return args.toArray(String[]::new);
    }

    /** {@code migrate cutover <subcommand>} for this stack's servers, e.g. fallback, rollback or finish. */
    static String[] cutoverArguments(LocalStack stack, String migrationId, String subcommand, String... more) {
        List<String> args = new ArrayList<>(List.of("cutover", subcommand,
                "--bootstrap-servers", stack.kafka.bootstrapServers(), "--migration-id", migrationId,
                "--source-host", stack.source.host(), "--source-port", Integer.toString(stack.source.port()),
                "--source-user", stack.source.superuser(), "--source-password-ref", stack.source.secretRef(),
                "--target-host", stack.target.host(), "--target-port", Integer.toString(stack.target.port()),
                "--target-user", stack.target.adminUser(), "--target-password-ref", stack.target.adminSecretRef(),
                "--source-sslmode", "disable", "--target-sslmode", "disable"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String secretFile(Path directory, String name, String value) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, value);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return "file:" + file;
    }

    /** Every password of the run: none may appear in a topic or a log. */
    private static List<String> secrets(LocalStack stack, Path work, String replicationPassword) throws IOException {
        List<String> secrets = new ArrayList<>(List.of(stack.source.password(), stack.target.password(),
                stack.target.adminPassword(), replicationPassword));
        SampleCatalog.loginRoles().forEach(role -> secrets.add(SampleCatalog.rolePassword(stack.source, role)));
        try (var files = Files.list(work)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".password") || f.toString().contains("secret"))
                    .filter(Files::isRegularFile).toList()) {
                String value = Files.readString(file).strip();
                if (value.length() >= 8) secrets.add(value);
            }
        }
        return secrets;
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "==> " + format + "%n", args);
    }

    /** The CLI's output goes to the console as it comes and is kept for the result. */
    private static final class Tee extends Writer {
        private final StringBuilder kept;

        Tee(StringBuilder kept) {
            this.kept = kept;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            System.out.print(new String(buffer, offset, length));
            synchronized (kept) {
                kept.append(buffer, offset, length);
            }
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    private LocalRun() {
    }
}
