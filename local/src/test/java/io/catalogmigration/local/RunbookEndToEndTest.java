package io.catalogmigration.local;

import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.SourceBackedUp;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SampleCorruption;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, end to end, on the runbook's servers: a PostgreSQL 13 source and a 17 target whose
 * administrator, used by every service, is not a superuser (RDS-shaped). Six services, real Kafka and PostgreSQL, an
 * application writing throughout as its own role, and the CLI's runbook from prune to cutover. Then the servers are
 * looked at directly, and a rollback after more writes on the target, through the CLI, loses none of them.
 */
class RunbookEndToEndTest {

    /** Tables the application writes to on the target after the switch: the fallback brings them back to the source. */
    static final Set<String> WRITTEN_AFTER_SWITCH = Set.of("public.metrics_event", "public.metrics_metric");

    @Test
    void theWholeRunbookMovesAVerifiedCatalogWithSecondsOfDowntimeAndNoSecretAnywhere() throws Exception {
        var logs = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(new Both(out, logs), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Both(err, logs), true, StandardCharsets.UTF_8));
        try {
            LocalRun.run(30_000, LocalStack.Servers.RUNBOOK, (stack, result) -> inspect(stack, result, logs));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void inspect(LocalStack stack, LocalRun.Result result, ByteArrayOutputStream logs) throws Exception {
        if (result.exitCode() != 0) {
            for (PostgresCluster cluster : List.of(stack.source, stack.target)) {
                var lines = java.nio.file.Files.readAllLines(cluster.logFile());
                System.out.println("---- last lines of " + cluster + "'s log ----");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
            }
        }
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(stack.source.majorVersion()).isEqualTo(13);
        assertThat(stack.target.majorVersion()).isEqualTo(17);
        assertThat(stack.target.queryForLong("postgres", "select count(*) from pg_roles where rolname = '"
                + stack.target.adminUser() + "' and not rolsuper")).isEqualTo(1);
        var outcomes = outcomes(stack, result.migrationId());
        PostgresCluster source = stack.source;
        PostgresCluster target = stack.target;
        String rosemeta = SampleCatalog.ROSEMETA;

        // Old rows are gone: every row past retention was deleted, on the source and so on the target.
        var prune = only(outcomes, PruneCompleted.class);
        assertThat(prune.rowsDeleted()).isPositive()
                .isEqualTo(prune.tables().stream().mapToLong(t -> t.pastRetentionBefore()).sum());
        assertThat(target.queryForLong(rosemeta, "select count(*) from metrics_event where \"timestamp\" < now() - interval '31 days'"))
                .isZero();

        // Corrupted rows are gone, and only those.
        var scan = only(outcomes, ScanCompleted.class);
        assertThat(scan.deletedRows()).isEqualTo(result.corruptedIds().size());
        Set<Long> expected = new TreeSet<>();
        LongStream.rangeClosed(1, SampleCorruption.ROWS).filter(id -> !result.corruptedIds().contains(id)).forEach(expected::add);
        assertThat(ids(target, rosemeta, SampleCorruption.TABLE)).isEqualTo(expected);
        assertThat(ids(source, rosemeta, SampleCorruption.TABLE)).isEqualTo(expected);

        // Edges equal distinct links.
        var lineage = only(outcomes, LineageMigrated.class);
        assertThat(lineage.edges()).isPositive().isEqualTo(lineage.sourceLinks());

        // The cutover: verified, seconds of downtime as measured by the service and as seen by the application.
        var cutover = only(outcomes, CutoverCompleted.class);
        assertThat(cutover.tables()).isNotEmpty().allSatisfy(t -> assertThat(t.equal()).isTrue());
        assertThat(cutover.writeDowntimeMillis()).isLessThan(10_000);
        assertThat(result.writerLongestGap()).isLessThan(Duration.ofSeconds(10));
        assertThat(result.writesOnSource()).isPositive();
        assertThat(result.writesOnTarget()).isPositive();

        // The switch took: the application works on the target as its own role, none of its sessions left on the source.
        assertThat(cutover.application().confirmed()).as(cutover.notes().toString()).isTrue();
        assertThat(cutover.fencedRoles()).contains(LocalRun.APPLICATION_ROLE);

        // The replication back: the application's writes on the target reach the source, so once it caught up every
        // table is equal on both sides, those written after the switch included.
        assertThat(cutover.fallback()).hasSize(2);
        assertThat(result.output()).contains("FallbackReported").contains("fallback rosemeta: streaming")
                .contains("fallback lineage: streaming");
        for (String table : WRITTEN_AFTER_SWITCH) {
            awaitEqual(source, target, rosemeta, table);
        }
        assertEveryTableEqual(source, target);
        for (String database : List.of(rosemeta, SampleCatalog.LINEAGE)) {
            // Every sequence on the target is ahead of the highest value used on the source.
            for (String[] column : serialColumns(source, database)) {
                long highest = source.queryForLong(database, "select coalesce(max(" + column[1] + "), 0) from " + column[0]);
                long next = target.queryForLong(database, "select last_value from " + column[2]);
                assertThat(next).as(column[2]).isGreaterThanOrEqualTo(highest);
            }
        }

        // The application's role owns on the target what it owned on the source, the other roles kept their grants
        // and memberships, the extensions came along, and the file_fdw server (which RDS cannot have) stayed behind.
        String ownersAndGrants = """
                select count(*) from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'S', 'v')
                and pg_get_userbyid(c.relowner) = 'alation' and coalesce(c.relacl::text, '') like '%alation_db=r/alation%'""";
        assertThat(target.queryForLong(rosemeta, ownersAndGrants)).isPositive()
                .isEqualTo(source.queryForLong(rosemeta, ownersAndGrants));
        assertThat(target.queryForLong(rosemeta, "select pg_has_role('datadog', 'pg_monitor', 'MEMBER')::int")).isEqualTo(1);
        assertThat(target.queryForLong(rosemeta, "select count(*) from pg_extension where extname in "
                + "('intarray', 'hstore', 'amcheck', 'pg_visibility')")).isEqualTo(4);
        assertThat(target.queryForLong(rosemeta, "select count(*) from pg_foreign_server")).isZero();
        assertThat(outcomes.stream().filter(o -> o instanceof ReplicationStarted r && r.database().equals(rosemeta))
                .map(o -> (ReplicationStarted) o).findFirst().orElseThrow().notes())
                .anyMatch(n -> n.contains("FOREIGN TABLE " + SampleCatalog.FOREIGN_TABLE));

        // The console started with the run shows it whole: every step done, none failed, the cutover and then the
        // report of the replication back.
        JsonNode shown = consoleView(stack, result.migrationId());
        assertThat(shown.at("/summary/state").asString()).as(shown.toString()).isEqualTo("succeeded");
        assertThat(shown.at("/summary/failed").asInt()).isZero();
        List<String> titles = new ArrayList<>();
        shown.get("steps").forEach(step -> titles.add(step.path("title").asString()));
        assertThat(titles).endsWith("CutoverCompleted", "FallbackReported");
        assertThat(shown.at("/steps/" + titles.indexOf("CutoverCompleted") + "/facts/writeDowntimeMillis").asLong())
                .isEqualTo(cutover.writeDowntimeMillis());
        assertThat(shown.toString()).contains("PruneCompleted", "ScanCompleted", "LineageMigrated", "TargetProvisioned",
                "SourcePrepared", "ReplicationStarted", "catch-up rosemeta", "catch-up lineage", "PreflightPassed");

        // A rollback after 500 more writes on the target loses none of them, and measures its own write downtime.
        var app = result.application();
        try (var c = java.sql.DriverManager.getConnection(target.jdbcUrl(rosemeta), app.name(), app.password())) {
            c.createStatement().execute("insert into metrics_event (\"timestamp\", name, value) "
                    + "select now(), 'after the switch', g from generate_series(1, 500) g");
        }
        var cli = new java.io.StringWriter();
        var printer = new java.io.PrintWriter(cli, true);
        int rolledBack = io.catalogmigration.cli.MigrateCli.run(LocalRun.cutoverArguments(stack, result.migrationId(), "rollback",
                "--confirm", result.migrationId(), "--wait", "--timeout", "120s"), new java.io.BufferedReader(
                new java.io.StringReader("")), printer, printer);
        assertThat(rolledBack).as(cli.toString()).isZero();
        var back = only(outcomes(stack, result.migrationId()), CutoverRolledBack.class);
        assertThat(back.writeDowntimeMillis()).isPositive().isLessThan(10_000);
        assertThat(back.targetLsn()).isNotBlank();
        assertThat(source.queryForLong(rosemeta, "select count(*) from metrics_event where name = 'after the switch'"))
                .isEqualTo(500);
        assertEveryTableEqual(source, target);

        // No password in any topic or log.
        String allLogs;
        synchronized (logs) {
            allLogs = logs.toString(StandardCharsets.UTF_8);
        }
        for (String secret : result.secrets()) {
            stack.events.assertNoRecordContains(secret);
            assertThat(allLogs.contains(secret)).as("a password appears in the logs").isFalse();
            assertThat(result.output().contains(secret)).as("a password appears in the CLI's output").isFalse();
        }
        assertThat(result.output()).contains("Write downtime:", "Rows pruned:", "Corrupted rows:", "Lineage links migrated:");

        // The runbook's first safety step: a base backup of the 13 source, checked against its manifest, taken before
        // prune deleted anything; the last (a pg_dump of the 17 target) needs client tools of 17 and is left out here.
        var backup = only(outcomes, SourceBackedUp.class);
        assertThat(backup.verified()).isTrue();
        assertThat(java.nio.file.Path.of(backup.location()).resolve("backup_manifest")).isRegularFile();
        assertThat(backup.occurredAt()).isBefore(only(outcomes, PruneCompleted.class).occurredAt());
        assertThat(result.output()).containsPattern("Backup of the source: +" + java.util.regex.Pattern.quote(backup.location()));
        int pgDump = io.catalogmigration.common.pg.ClientTools.major(stack.target.binDirectory(), "pg_dump");
        if (pgDump < stack.target.majorVersion()) {
            assertThat(allLogs).contains("the installed pg_dump " + pgDump + " cannot dump the PostgreSQL "
                    + stack.target.majorVersion() + " target");
            assertThat(result.output()).doesNotContain("First target snapshot:");
        } else {
            assertThat(result.output()).contains("First target snapshot:");
        }
    }

    /** Waits until a table has the same rows on both servers (the fallback applies the target's writes on the source). */
    private static void awaitEqual(PostgresCluster source, PostgresCluster target, String database, String table) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!hash(source, database, table).equals(hash(target, database, table))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(database + " " + table + " differs between source and target after 60 s");
            }
            Thread.sleep(200);
        }
    }

    /** Every table of both databases: the same rows on both servers. */
    private static void assertEveryTableEqual(PostgresCluster source, PostgresCluster target) throws SQLException {
        for (String database : List.of(SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE)) {
            for (String table : tables(source, database)) {
                assertThat(target.queryForLong(database, "select count(*) from " + table)).as(database + " " + table)
                        .isEqualTo(source.queryForLong(database, "select count(*) from " + table));
                assertThat(hash(target, database, table)).as(database + " " + table).isEqualTo(hash(source, database, table));
            }
        }
    }

    /** The console's view of the migration once it has read the cutover's outcome (it reads on its own). */
    private static JsonNode consoleView(LocalStack stack, String migrationId) throws Exception {
        var http = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create(stack.consoleAddress() + "api/migrations/" + migrationId)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode view = MessageJson.mapper().readTree(response.body());
                if (view.at("/summary/cutOver").asBoolean() || System.nanoTime() > deadline) return view;
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("the console does not know " + migrationId + ": " + response.statusCode());
            }
            Thread.sleep(200);
        }
    }

    private static List<OutcomeEvent> outcomes(LocalStack stack, String migrationId) {
        return stack.events.records(io.catalogmigration.common.contract.Topics.OUTCOME).stream()
                .filter(r -> migrationId.equals(r.key()))
                .map(r -> MessageJson.mapper().readValue(r.value(), OutcomeEvent.class)).toList();
    }

    private static <T extends OutcomeEvent> T only(List<OutcomeEvent> outcomes, Class<T> type) {
        var matching = outcomes.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as(type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static Set<Long> ids(PostgresCluster cluster, String database, String table) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery("select id from " + table)) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }

    private static List<String> tables(PostgresCluster cluster, String database) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                "select schemaname || '.' || tablename from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        return tables;
    }

    private static String hash(PostgresCluster cluster, String database, String table) throws SQLException {
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery(
                "select md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text) collate \"C\"), '')) from " + table + " t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {table, column, sequence} of every column fed by a sequence. */
    private static List<String[]> serialColumns(PostgresCluster cluster, String database) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (var c = cluster.connect(database); var rs = c.createStatement().executeQuery("""
                select quote_ident(table_schema) || '.' || quote_ident(table_name), quote_ident(column_name),
                       pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name)
                from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
                and pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) is not null""")) {
            while (rs.next()) columns.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
        }
        return columns;
    }

    /** Writes to the console and keeps a copy, so the logs can be searched afterwards. */
    private static final class Both extends OutputStream {
        private final OutputStream console;
        private final OutputStream copy;

        Both(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            console.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            console.write(bytes, offset, length);
            synchronized (copy) {
                copy.write(bytes, offset, length);
            }
        }
    }
}
