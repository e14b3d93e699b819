package io.catalogmigration.local;

import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.scan.ScanApplication;
import io.catalogmigration.testkit.PostgresCluster;
import org.postgresql.PGConnection;

import java.io.OutputStream;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scans a generated database (wide uncompressible TOAST values, compressed TOAST values, many narrow rows; generated
 * server-side) through the scan service with each method, and measures the limits in the same run on the same data:
 * COPY of every table to a null sink, one after another (the fallback's limit: reading every value), and
 * verify_heapam(check_toast) over every table in one session (amcheck's limit). Also times the runbook's own method,
 * one {@code pg_dump --data-only -t table} per table in parallel. Usage: {@code ScanBenchmark [GB, default 2]
 * [--source-version N]}. The last two lines are the figures; on a source before 14 (no verify_heapam) only the
 * fallback's, as that is all the service can do there.
 */
public final class ScanBenchmark {

    static final String DATABASE = "bench_scan";
    static final int PARALLELISM = 2;

    /** MB/s of ours and of the limit for one method. */
    record Figure(String name, double ours, double limit) {

        String line() {
            return String.format(Locale.ROOT, "BENCH %s ours=%.0f limit=%.0f ratio=%.2f", name, ours, limit, ours / limit);
        }
    }

    /** @param amcheck null on a server without verify_heapam */
    record Result(long bytes, double runbookMbPerSecond, Figure fallback, Figure amcheck) {
    }

    public static void main(String[] args) throws Exception {
        double gigabytes = 2;
        Integer sourceMajor = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--source-version") && i + 1 < args.length) {
                sourceMajor = Integer.valueOf(args[++i]);
            } else {
                gigabytes = Double.parseDouble(args[i]);
            }
        }
        var result = run(gigabytes, sourceMajor);
        System.out.println(result.fallback().line());
        if (result.amcheck() != null) {
            System.out.println(result.amcheck().line());
        }
        System.exit(0);
    }

    static Result run(double gigabytes) throws Exception {
        return run(gigabytes, null);
    }

    /** @param sourceMajor the scanned server's major; null for the installed one */
    static Result run(double gigabytes, Integer sourceMajor) throws Exception {
        try (var stack = LocalStack.start(true, new LocalStack.Servers(sourceMajor, null))) {
            PostgresCluster pg = stack.source;
            long started = System.nanoTime();
            generate(pg, gigabytes);
            List<String> tables = tables(pg);
            long bytes = pg.queryForLong(DATABASE, "select sum(pg_table_size(c.oid)) from pg_class c join pg_namespace n "
                    + "on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname = 'public'");
            System.out.printf(Locale.ROOT, "generated %s: %d tables, %,d MB of table data (heap + TOAST) in %.0f s%n",
                    DATABASE, tables.size(), bytes >> 20, (System.nanoTime() - started) / 1e9);

            double runbook = mbPerSecond(bytes, time(() -> pgDumpEach(pg, tables)));
            System.out.printf(Locale.ROOT, "runbook: pg_dump --data-only -t <table> -f /dev/null per table, %d in parallel: %.0f MB/s%n",
                    PARALLELISM, runbook);
            double copyLimit = mbPerSecond(bytes, time(() -> copyEach(pg, tables)));
            System.out.printf(Locale.ROOT, "limit: COPY ... TO STDOUT into a null sink, table after table: %.0f MB/s%n", copyLimit);

            stack.kafka.createTopic(Topics.SCAN_COMMAND, 1);
            stack.kafka.createTopic(Topics.SCAN_WORK, 6);
            stack.startService(ScanApplication.class, Map.of());
            double fallback = mbPerSecond(bytes, time(() -> scan(stack, pg, ScanMethod.READ_ROWS, bytes)));
            System.out.printf(Locale.ROOT, "ours: READ_ROWS through the scan service: %.0f MB/s%n", fallback);
            if (pg.majorVersion() < 14) {
                System.out.printf(Locale.ROOT, "PostgreSQL %d has no verify_heapam: AMCHECK is not measured%n", pg.majorVersion());
                return new Result(bytes, runbook, new Figure("scan-fallback", fallback, copyLimit), null);
            }
            double amcheck = mbPerSecond(bytes, time(() -> scan(stack, pg, ScanMethod.AMCHECK, bytes)));
            System.out.printf(Locale.ROOT, "ours: AMCHECK through the scan service: %.0f MB/s%n", amcheck);
            double verifyLimit = mbPerSecond(bytes, time(() -> verifyEach(pg, tables)));
            System.out.printf(Locale.ROOT, "limit: verify_heapam(check_toast => true), table after table, one session: %.0f MB/s%n",
                    verifyLimit);
            return new Result(bytes, runbook, new Figure("scan-fallback", fallback, copyLimit), new Figure("scan", amcheck, verifyLimit));
        }
    }

    /**
     * About 45% wide random md5 text (over 3 kB a value: stored out of line, uncompressed), 30% compressible text that
     * is still out of line once compressed, 25% narrow rows.
     */
    static void generate(PostgresCluster pg, double gigabytes) {
        long wide = Math.round(gigabytes * 150_000);
        long packed = Math.round(gigabytes * 120_000);
        long narrow = Math.round(gigabytes * 2_500_000);
        pg.createDatabase(DATABASE);
        pg.execute(DATABASE,
                "create extension if not exists amcheck",
                "create table wide_values (id bigint primary key, label text, wide text)",
                "create table packed_values (id bigint primary key, label text, packed text, inline_packed text)",
                "create table narrow_rows (id bigint primary key, account int, name text, created timestamptz)",
                ("insert into wide_values select g, 'value ' || g, (select string_agg(md5(g::text || '-' || i), '') "
                        + "from generate_series(1, 100) i) from generate_series(1, %d) g").formatted(wide),
                ("insert into packed_values select g, 'value ' || g, (select string_agg(repeat(md5(i::text || '/' || g), 4), '') "
                        + "from generate_series(1, 100) i), repeat(md5(g::text), 60) from generate_series(1, %d) g").formatted(packed),
                ("insert into narrow_rows select g, g %% 1000, 'row ' || md5(g::text) || ' of the narrow table', "
                        + "now() - g * interval '1 second' from generate_series(1, %d) g").formatted(narrow),
                "vacuum analyze", "checkpoint");
    }

    private static List<String> tables(PostgresCluster pg) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = pg.connect(DATABASE); var rs = c.createStatement().executeQuery(
                "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                        + "where c.relkind = 'r' and n.nspname = 'public' order by pg_table_size(c.oid) desc")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static void scan(LocalStack stack, PostgresCluster pg, ScanMethod method, long bytes) {
        var command = new StartScan(UUID.randomUUID(), "bench-scan", Instant.now(), List.of(pg.endpoint(DATABASE)),
                ScanMode.REPORT, List.of(), PARALLELISM, method);
        stack.commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
        var outcome = stack.events.awaitOutcome(command.commandId(), Duration.ofHours(1));
        if (!(outcome instanceof ScanCompleted completed)) {
            throw new IllegalStateException("the scan failed: " + outcome);
        }
        if (completed.corruptedRows() != 0 || completed.databases().get(0).method() != method || completed.bytesScanned() != bytes) {
            throw new IllegalStateException("unexpected outcome: " + completed);
        }
    }

    private static void pgDumpEach(PostgresCluster pg, List<String> tables) throws Exception {
        var pool = Executors.newFixedThreadPool(PARALLELISM);
        try {
            List<Future<Integer>> exits = new ArrayList<>();
            for (String table : tables) {
                exits.add(pool.submit(() -> {
                    var process = new ProcessBuilder(pg.binDirectory().resolve("pg_dump").toString(), "-h", pg.host(),
                            "-p", String.valueOf(pg.port()), "-U", pg.superuser(), "-d", DATABASE, "--data-only",
                            "-t", "public." + table, "-f", "/dev/null").redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    process.environment().put("PGPASSWORD", pg.password());
                    return process.start().waitFor();
                }));
            }
            for (var exit : exits) {
                if (exit.get() != 0) {
                    throw new IllegalStateException("pg_dump failed with exit code " + exit.get());
                }
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static void copyEach(PostgresCluster pg, List<String> tables) throws Exception {
        try (Connection c = pg.connect(DATABASE)) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                copy.copyOut("copy public." + table + " to stdout", OutputStream.nullOutputStream());
            }
        }
    }

    private static void verifyEach(PostgresCluster pg, List<String> tables) throws Exception {
        try (Connection c = pg.connect(DATABASE)) {
            for (String table : tables) {
                try (var rs = c.createStatement().executeQuery(
                        "select count(*) from verify_heapam('public." + table + "', check_toast => true)")) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        throw new IllegalStateException("verify_heapam reports corruption in " + table);
                    }
                }
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

    private static double mbPerSecond(long bytes, double seconds) {
        return bytes / 1e6 / seconds;
    }

    private ScanBenchmark() {
    }
}
