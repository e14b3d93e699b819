package io.catalogmigration.local;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Replicates a generated rosemeta (the sample catalog plus wide filler tables up to the requested size) from a
 * logical source to the target through Kafka and the replicator, timed from the first command (PrepareSource) to
 * ready (every table synchronised, lag under the threshold, every deferred index and constraint built); then, in the
 * same run, times the limit: {@code pg_dump -Fd -j2 -Z0} of the same database plus {@code pg_restore -j2} into a
 * fresh database on the target. MB/s is the source database's size ({@code pg_database_size}) over seconds.
 * The replicator runs once per initial-copy method asked for, in the order given ({@code native}, {@code snapshot},
 * a comma-separated list, or {@code both}, the default: native then snapshot), with a reset in between; "ours" is
 * the service's default method ({@link #DEFAULT_METHOD}) when it ran.
 * Usage: {@code ReplicateBenchmark [GB, default 2] [methods] [--source-version N] [--target-version N]} (default:
 * the installed major on both sides; a target of 16 or later is RDS-shaped, see {@link LocalStack.Servers}). The
 * last line is the figure.
 */
public final class ReplicateBenchmark {

    static final String DATABASE = SampleCatalog.ROSEMETA;
    static final String RESTORED = "bench_restore";
    static final String MIGRATION = "bench-replicate";
    static final String REPLICATION_USER = "replicator";
    static final int JOBS = 2;
    static final Duration TIMEOUT = Duration.ofHours(2);
    /** replicator.initial-copy's default in replicator.yml. */
    static final String DEFAULT_METHOD = "snapshot";

    /**
     * Seconds to ready through the service per initial-copy method, and of dump plus restore, for a database of
     * {@code bytes}; ours is the default method's (or the only one run).
     */
    record Result(long bytes, int tables, Map<String, Double> methodSeconds, double limitSeconds) {

        double oursSeconds() {
            return methodSeconds.getOrDefault(DEFAULT_METHOD, methodSeconds.values().iterator().next());
        }

        double ours() {
            return bytes / 1e6 / oursSeconds();
        }

        double limit() {
            return bytes / 1e6 / limitSeconds;
        }

        String line() {
            return String.format(Locale.ROOT, "BENCH replicate ours=%.0f limit=%.0f ratio=%.2f", ours(), limit(), ours() / limit());
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        Integer sourceMajor = null;
        Integer targetMajor = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--source-version" -> sourceMajor = Integer.valueOf(args[++i]);
                case "--target-version" -> targetMajor = Integer.valueOf(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        double gigabytes = positional.size() > 0 ? Double.parseDouble(positional.get(0)) : 2;
        String methods = positional.size() > 1 ? positional.get(1) : "both";
        System.out.println(run(gigabytes, List.of((methods.equals("both") ? "native,snapshot" : methods).split(",")),
                new LocalStack.Servers(sourceMajor, targetMajor)).line());
        System.exit(0);
    }

    static Result run(double gigabytes, List<String> methods) throws Exception {
        return run(gigabytes, methods, LocalStack.Servers.INSTALLED);
    }

    static Result run(double gigabytes, List<String> methods, LocalStack.Servers servers) throws Exception {
        try (var stack = LocalStack.start(true, servers)) {
            PostgresCluster source = stack.source;
            PostgresCluster target = stack.target;
            long started = System.nanoTime();
            generate(source, gigabytes);
            long bytes = source.queryForLong(DATABASE, "select pg_database_size(current_database())");
            int tables = (int) source.queryForLong(DATABASE, "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')");
            long indexes = indexCount(source, DATABASE);
            System.out.printf(Locale.ROOT, "generated %s: %d tables, %d indexes, %,d MB (pg_database_size) in %.0f s%n",
                    DATABASE, tables, indexes, bytes / 1_000_000, (System.nanoTime() - started) / 1e9);

            stack.kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
            stack.kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
            Path secrets = Files.createTempDirectory("bench-replicate");
            try {
                String passwordRef = secret(secrets, "replication", "Repl-" + UUID.randomUUID());
                Map<String, Double> seconds = new LinkedHashMap<>();
                for (String method : methods) {
                    var service = stack.startService(ReplicatorApplication.class, Map.of("replicator.initial-copy", method,
                            "replicator.copy-workers", JOBS, "replicator.index-workers", JOBS));
                    checkpoint(source, target);
                    String migration = MIGRATION + "-" + method;
                    double ours = time(() -> replicate(stack, migration, passwordRef));
                    System.out.printf(Locale.ROOT, "ours (%s): PrepareSource, StartReplication, CheckReplication until ready "
                            + "(%s, then %d index workers) through the replicator: %.1f s, %.0f MB/s%n", method,
                            method.equals("native") ? "copy_data = true" : JOBS + " COPY pipes under the slot's snapshot, copy_data = false",
                            JOBS, ours, bytes / 1e6 / ours);
                    double verified = time(() -> awaitVerified(stack, migration));
                    System.out.printf(Locale.ROOT, "online verification of every row after the copy, to STOP_WAITING: %.1f s, "
                            + "%.0f MB/s (not part of ours: dump and restore verify nothing)%n", verified, bytes / 1e6 / verified);
                    verify(source, target, DATABASE, tables, indexes);
                    reset(stack, migration);
                    ServiceRunner.stop(service);
                    seconds.put(method, ours);
                }

                checkpoint(source, target);
                Path dump = secrets.resolve("dump");
                double limit = time(() -> dumpAndRestore(source, target, dump));
                System.out.printf(Locale.ROOT, "limit: pg_dump -Fd -j%d -Z0 + pg_restore -j%d into a fresh database: %.1f s, %.0f MB/s%n",
                        JOBS, JOBS, limit, bytes / 1e6 / limit);
                verify(source, target, RESTORED, tables, indexes);
                for (var method : seconds.entrySet()) {
                    System.out.printf(Locale.ROOT, "%s: %.0f MB/s, ratio %.2f%n", method.getKey(), bytes / 1e6 / method.getValue(),
                            limit / method.getValue());
                }
                return new Result(bytes, tables, seconds, limit);
            } finally {
                deleteTree(secrets);
            }
        }
    }

    /**
     * The sample catalog (about a tenth of the size in its own tables and indexes), then filler tables with a
     * primary key and one secondary index, at most 512 MB of heap each, until the database has the requested size.
     */
    static void generate(PostgresCluster source, double gigabytes) {
        long wanted = Math.round(gigabytes * 1e9);
        SampleCatalog.generate(source, SampleSize.ofRows(Math.max(20_000, Math.round(gigabytes * 1_000_000))));
        for (int i = 1; ; i++) {
            long size = source.queryForLong(DATABASE, "select pg_database_size(current_database())");
            long missing = wanted - size;
            if (missing < 4_000_000) {
                break;
            }
            // About 380 bytes of heap and 40 of indexes per row.
            long rows = Math.max(1_000, Math.min(missing, 512_000_000L) / 420);
            String table = "bench_fill_" + i;
            source.execute(DATABASE,
                    "create table " + table + " (id bigint primary key, account int not null, label text, body text, "
                            + "created timestamptz not null)",
                    ("insert into %s select g, g %% 10000, 'row ' || g, repeat(md5(g::text), 9), "
                            + "timestamptz '2026-01-01' - g * interval '1 second' from generate_series(1, %d) g").formatted(table, rows),
                    "create index " + table + "_account on " + table + " (account)");
        }
        source.execute(DATABASE, "vacuum analyze");
    }

    private static void replicate(LocalStack stack, String migration, String passwordRef) throws Exception {
        PostgresCluster source = stack.source;
        PostgresCluster target = stack.target;
        var prepared = send(stack, new PrepareSource(UUID.randomUUID(), migration, Instant.now(), source.endpoint("postgres"),
                List.of(DATABASE), "127.0.0.1", REPLICATION_USER, passwordRef, 2));
        if (!(prepared instanceof SourcePrepared p) || !p.ready()) {
            throw new IllegalStateException("the source is not ready: " + prepared);
        }
        var replication = new PgEndpoint(source.host(), source.port(), DATABASE, REPLICATION_USER, "disable", passwordRef);
        var started = send(stack, new StartReplication(UUID.randomUUID(), migration, Instant.now(), source.endpoint(DATABASE),
                target.endpoint("postgres"), replication, Map.of()));
        if (!(started instanceof ReplicationStarted)) {
            throw new IllegalStateException("StartReplication failed: " + started);
        }
        while (true) {
            var outcome = send(stack, new CheckReplication(UUID.randomUUID(), migration, Instant.now(), source.endpoint(DATABASE),
                    target.endpoint("postgres")));
            if (!(outcome instanceof ReplicationStatusReported status)) {
                throw new IllegalStateException("CheckReplication failed: " + outcome);
            }
            if (!status.failures().isEmpty()) {
                throw new IllegalStateException("post-data steps failed: " + status.failures());
            }
            // Copied: every table ready, caught up, every deferred step applied (verification goes on after this).
            if (status.tables().stream().allMatch(t -> t.state().equals("r")) && status.lagBytes() < (1 << 20)
                    && status.postDataDone() == status.postDataTotal()) {
                return;
            }
            Thread.sleep(250);
        }
    }

    /** CheckReplication until STOP_WAITING: the online verification has compared every row. */
    private static void awaitVerified(LocalStack stack, String migration) throws Exception {
        while (true) {
            var outcome = send(stack, new CheckReplication(UUID.randomUUID(), migration, Instant.now(),
                    stack.source.endpoint(DATABASE), stack.target.endpoint("postgres")));
            if (!(outcome instanceof ReplicationStatusReported status)) {
                throw new IllegalStateException("CheckReplication failed: " + outcome);
            }
            if (status.answer().equals(ReplicationStatusReported.STOP_WAITING)) {
                return;
            }
            if (!status.verification().differences().isEmpty()) {
                throw new IllegalStateException("verification found differences: " + status.verification().differences());
            }
            Thread.sleep(250);
        }
    }

    private static void reset(LocalStack stack, String migration) {
        var outcome = send(stack, new ResetReplication(UUID.randomUUID(), migration, Instant.now(),
                stack.source.endpoint(DATABASE), stack.target.endpoint("postgres"), migration));
        if (!(outcome instanceof ReplicationReset)) {
            throw new IllegalStateException("ResetReplication failed: " + outcome);
        }
    }

    private static OutcomeEvent send(LocalStack stack, ReplicateCommand command) {
        stack.commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return stack.events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private static void dumpAndRestore(PostgresCluster source, PostgresCluster target, Path dump) throws Exception {
        run(source, List.of(source.binDirectory().resolve("pg_dump").toString(), "-Fd", "-j", String.valueOf(JOBS), "-Z0",
                "-f", dump.toString(), "-d", DATABASE));
        target.createDatabase(RESTORED);
        run(target, List.of(target.binDirectory().resolve("pg_restore").toString(), "-j", String.valueOf(JOBS),
                "--no-owner", "--no-privileges", "-d", RESTORED, dump.toString()));
    }

    private static void run(PostgresCluster cluster, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("-h", cluster.host(), "-p", String.valueOf(cluster.port()), "-U", cluster.superuser()));
        var builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PGPASSWORD", cluster.password());
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit code " + exit);
        }
    }

    /** Every table has the source's row count on the target, and the index counts match. */
    private static void verify(PostgresCluster source, PostgresCluster target, String targetDatabase, int tables, long indexes)
            throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = source.connect(DATABASE); var rs = c.createStatement().executeQuery("""
                select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') order by 1""")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        if (names.size() != tables) {
            throw new IllegalStateException("the source has " + names.size() + " tables, expected " + tables);
        }
        for (String table : names) {
            long expected = source.queryForLong(DATABASE, "select count(*) from " + table);
            long actual = target.queryForLong(targetDatabase, "select count(*) from " + table);
            if (expected != actual) {
                throw new IllegalStateException(table + " has " + actual + " rows in " + targetDatabase + ", the source " + expected);
            }
        }
        long targetIndexes = indexCount(target, targetDatabase);
        if (targetIndexes != indexes) {
            throw new IllegalStateException(targetDatabase + " has " + targetIndexes + " indexes, the source " + indexes);
        }
    }

    private static long indexCount(PostgresCluster cluster, String database) {
        return cluster.queryForLong(database,
                "select count(*) from pg_indexes where schemaname not in ('pg_catalog', 'information_schema', 'migration_verify')");
    }

    private static void checkpoint(PostgresCluster... clusters) {
        for (var cluster : clusters) {
            cluster.execute("postgres", "checkpoint");
        }
    }

    private static String secret(Path directory, String name, String value) throws IOException {
        Path file = Files.createFile(directory.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value);
        return "file:" + file;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static double time(Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private ReplicateBenchmark() {
    }
}
