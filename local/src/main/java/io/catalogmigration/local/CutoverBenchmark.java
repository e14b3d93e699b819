package io.catalogmigration.local;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.common.verify.RowHashing;
import io.catalogmigration.cutover.CutoverApplication;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleSize;
import io.catalogmigration.testkit.ServiceRunner;
import io.catalogmigration.testkit.SwitchingWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cutover at two sizes of the same catalog shape (the sample catalog, hundreds of small tables, tables without a
 * key, a partitioned table, and large TOASTed tables making up the size), with an application writing at a steady
 * rate through replication, online verification and the cutover, following the settings file the cutover switches.
 * For each size: the write downtime as the application saw it (its longest wait between two writes during the
 * cutover), and the online pass's speed against the limit measured in the same run on the same servers: reading every
 * published table of both sides once ({@code count(*), sum(length(t::text))}), in the same parallelism as the pass.
 * Usage: {@code CutoverBenchmark [small GB, default 1] [large GB, default 8]}. The last two lines are the figures.
 */
public final class CutoverBenchmark {

    static final String DATABASE = SampleCatalog.ROSEMETA;
    static final Duration TIMEOUT = Duration.ofHours(3);
    static final int WORKERS = 2;
    static final int WRITES_PER_SECOND = 200;

    /** One size's figures. */
    record Result(double gigabytes, long bytes, long downtimeMs, long reportedDowntimeMs, long verifyPhaseMs,
                  double passSeconds, double limitSeconds, long rowsInWindow) {

        double ours() {
            return bytes / 1e6 / passSeconds;
        }

        double limit() {
            return bytes / 1e6 / limitSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        double small = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        double large = args.length > 1 ? Double.parseDouble(args[1]) : 8;
        var first = run(small);
        var second = run(large);
        for (String line : lines(first, second)) {
            System.out.println(line);
        }
        System.exit(0);
    }

    static List<String> lines(Result small, Result large) {
        return List.of(
                String.format(Locale.ROOT, "BENCH cutover-downtime small_ms=%d large_ms=%d ratio=%.2f", small.downtimeMs(),
                        large.downtimeMs(), large.downtimeMs() / (double) Math.max(1, small.downtimeMs())),
                String.format(Locale.ROOT, "BENCH verify ours=%.0f limit=%.0f ratio=%.2f", large.ours(), large.limit(),
                        large.ours() / large.limit()));
    }

    static Result run(double gigabytes) throws Exception {
        long began = System.nanoTime();
        try (var stack = LocalStack.start(true)) {
            generate(stack.source, gigabytes);
            long bytes = stack.source.queryForLong(DATABASE, "select pg_database_size(current_database())");
            long tables = stack.source.queryForLong(DATABASE, "select count(*) from pg_tables where schemaname = 'public'");
            System.out.printf(Locale.ROOT, "[%.1f GB] generated %s: %d tables, %,d MB in %.0f s%n", gigabytes, DATABASE, tables,
                    bytes >> 20, (System.nanoTime() - began) / 1e9);
            Path settings = Files.createTempDirectory("bench-cutover").resolve("application-db.properties");
            SwitchingWriter.writeSettings(settings, DATABASE, stack.source.host(), stack.source.port(),
                    stack.source.superuser(), stack.source.secretRef());
            stack.startService(ReplicatorApplication.class, Map.of("replicator.copy-workers", WORKERS,
                    "replicator.index-workers", WORKERS, "replicator.verify.workers", WORKERS));
            stack.startService(CutoverApplication.class, Map.of("cutover.switcher.file", settings.toString(),
                    "cutover.confirm-timeout", "10s"));
            try (var writer = new SwitchingWriter(settings, DATABASE, WRITES_PER_SECOND)) {
                String migration = "bench-cutover-" + UUID.randomUUID().toString().substring(0, 8);
                long t0 = System.nanoTime();
                var started = send(stack, Topics.REPLICATE_COMMAND, ReplicateCommand.class, new StartReplication(UUID.randomUUID(),
                        migration, Instant.now(), stack.source.endpoint(DATABASE), stack.target.endpoint("postgres"),
                        stack.source.endpoint(DATABASE), Map.of()));
                if (!(started instanceof ReplicationStarted)) {
                    throw new IllegalStateException("StartReplication failed: " + started);
                }
                long verifiedBytes = 0;
                boolean announced = false;
                while (true) {
                    var outcome = send(stack, Topics.REPLICATE_COMMAND, ReplicateCommand.class, new CheckReplication(
                            UUID.randomUUID(), migration, Instant.now(), stack.source.endpoint(DATABASE),
                            stack.target.endpoint("postgres")));
                    if (!(outcome instanceof ReplicationStatusReported status)) {
                        throw new IllegalStateException("CheckReplication failed: " + outcome);
                    }
                    var v = status.verification();
                    if (!announced && v.chunksTotal() > 0) {
                        announced = true;
                        System.out.printf(Locale.ROOT, "[%.1f GB] copied and indexed in %.0f s; online pass of %d chunks begins%n",
                                gigabytes, (System.nanoTime() - t0) / 1e9, v.chunksTotal());
                    }
                    if (v.chunksTotal() > 0 && v.chunksDone() == v.chunksTotal()) {
                        verifiedBytes = v.bytesVerified();
                    }
                    if (!v.differences().isEmpty() || v.state().equals(VerificationReport.FAILED)) {
                        throw new IllegalStateException("verification: " + v);
                    }
                    if (status.answer().equals(ReplicationStatusReported.STOP_WAITING)) {
                        break;
                    }
                    Thread.sleep(200);
                }
                // The pass as the replicator's ledger timed it: from opening the run (sampling, the change log on the
                // target) to its last chunk.
                double pass = stack.target.queryForLong(ServiceRunner.CONTROL_DATABASE, "select (extract(epoch from "
                        + "ts_finished - ts_started) * 1000)::bigint from replicator.run where kind = 'verify' "
                        + "and migration_id = '" + migration + "'") / 1000.0;
                double limit = readEverything(stack.source, stack.target);
                System.out.printf(Locale.ROOT, "[%.1f GB] online pass: %,d MB in %.1f s (%.0f MB/s, %.1f s per GB); limit (every "
                                + "table of both sides read once, %d connections a side): %.1f s%n", gigabytes, verifiedBytes >> 20,
                        pass, verifiedBytes / 1e6 / pass, pass / (verifiedBytes / 1e9), WORKERS, limit);

                writer.takeLongestGap();
                var done = send(stack, Topics.CUTOVER_COMMAND, CutoverCommand.class, new StartCutover(UUID.randomUUID(),
                        migration, Instant.now(), stack.source.endpoint("postgres"), stack.target.endpoint("postgres"),
                        List.of(DATABASE), stack.target.superuser(), stack.target.secretRef(), "disable", migration, null, null,
                        // the sample catalog's file_fdw, which the replicator leaves out of the schema by default
                        SampleCatalog.LEFT_BEHIND_ON_RDS));
                if (!(done instanceof CutoverCompleted completed)) {
                    throw new IllegalStateException("StartCutover failed: " + done);
                }
                Thread.sleep(2_000);
                long seen = writer.takeLongestGap().toMillis();
                long verifyMs = completed.phases().stream().filter(p -> p.phase().equals("VERIFY")).mapToLong(p -> p.millis())
                        .sum();
                long inWindow = completed.tables().stream().mapToLong(t -> t.rowsVerifiedInWindow()).sum();
                System.out.printf(Locale.ROOT, "[%.1f GB] cutover: write downtime %d ms as the application saw it, %d ms as the "
                                + "cutover measured; phases %s; %,d rows re-checked in the window%n", gigabytes, seen,
                        completed.writeDowntimeMillis(), completed.phases(), inWindow);
                return new Result(gigabytes, verifiedBytes, seen, completed.writeDowntimeMillis(), verifyMs, pass, limit, inWindow);
            }
        }
    }

    /**
     * The runbook's shape: the sample catalog, 300 small keyed tables, 5 tables without a key, a partitioned table, and
     * large tables whose rows are mostly TOASTed text stored uncompressed, up to the requested size.
     */
    static void generate(PostgresCluster source, double gigabytes) throws Exception {
        SampleCatalog.generate(source, SampleSize.ofRows(Math.max(20_000, Math.round(gigabytes * 100_000))));
        List<String> statements = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            statements.add("create table cat_%d (id serial primary key, name text not null, n int, updated timestamptz default now())".formatted(i));
            statements.add("insert into cat_%d (name, n) select 'name ' || g, g from generate_series(1, 300) g".formatted(i));
        }
        for (int i = 1; i <= 5; i++) {
            statements.add("create table audit_nokey_%d (at timestamptz, who text, what text)".formatted(i));
            statements.add("insert into audit_nokey_%d select now() - g * interval '1 minute', 'user' || (g %% 50), md5(g::text) from generate_series(1, %d) g"
                    .formatted(i, Math.max(2_000, Math.round(gigabytes * 20_000))));
        }
        statements.add("create table event_log (id bigint not null, at date not null, body text, primary key (id, at)) partition by range (at)");
        for (int m = 1; m <= 4; m++) {
            statements.add("create table event_log_%d partition of event_log for values from ('2026-%02d-01') to ('2026-%02d-01')"
                    .formatted(m, m, m + 1));
        }
        statements.add("insert into event_log select g, date '2026-01-01' + (g %% 110), repeat(md5(g::text), 8) from generate_series(1, %d) g"
                .formatted(Math.max(20_000, Math.round(gigabytes * 200_000))));
        source.execute(DATABASE, statements.toArray(String[]::new));
        long wanted = Math.round(gigabytes * 1e9);
        for (int i = 1; ; i++) {
            long missing = wanted - source.queryForLong(DATABASE, "select pg_database_size(current_database())");
            if (missing < 8_000_000 || i > 64) {
                break;
            }
            // About 8.3 KB a row, out of line and uncompressed: up to 1 GB a table.
            long rows = Math.max(1_000, Math.min(missing, 1_000_000_000L) / 8_400);
            String table = "document_" + i;
            source.execute(DATABASE,
                    "create table " + table + " (id bigint primary key, title text, body text, version int not null default 1)",
                    "alter table " + table + " alter column body set storage external",
                    "insert into " + table + " select g, 'doc ' || g, repeat(md5(g::text), 256) from generate_series(1, " + rows + ") g");
        }
        source.execute(DATABASE, "vacuum analyze");
    }

    /** The limit: every published table of both servers read once, {@value #WORKERS} connections a side. */
    static double readEverything(PostgresCluster source, PostgresCluster target) throws Exception {
        List<Relation> tables;
        try (Connection c = source.connect(DATABASE)) {
            tables = Relation.published(c, DATABASE);
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS * 2);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (PostgresCluster side : List.of(source, target)) {
                var queue = new ConcurrentLinkedQueue<>(tables);
                for (int i = 0; i < WORKERS; i++) {
                    running.add(pool.submit(() -> {
                        try (Connection c = side.connect(DATABASE); var st = c.createStatement()) {
                            RowHashing.prepareSession(c);
                            for (Relation t = queue.poll(); t != null; t = queue.poll()) {
                                st.executeQuery("select count(*), sum(length(t::text)) from " + t.name() + " t").close();
                            }
                        }
                        return null;
                    }));
                }
            }
            for (var f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static <C extends io.catalogmigration.common.contract.MigrationCommand> OutcomeEvent send(
            LocalStack stack, String topic, Class<? super C> family, C command) {
        stack.commands.send(topic, family, command);
        return stack.events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    private CutoverBenchmark() {
    }
}
