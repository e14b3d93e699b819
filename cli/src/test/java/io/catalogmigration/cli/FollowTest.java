package io.catalogmigration.cli;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneFailed;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ScanCompleted;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.kafka.MessageJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** status, watch and --wait read the events the services publish (published here as a service would). */
class FollowTest {

    private static ProgressReported progress(String m, String service, UUID run, String phase, long done, long total, String message) {
        return new ProgressReported(UUID.randomUUID(), m, Instant.now(), service, run, phase, done, total, "rows",
                250.0, total > done ? (total - done) / 250 : 0L, message);
    }

    private static PruneFailed pruneFailed(String m, UUID run) {
        return new PruneFailed(UUID.randomUUID(), m, Instant.now(), run, "rosemeta",
                "table rosemeta_executionevent is locked", "stop the catalog's query-log writer and send a new StartPrune", List.of());
    }

    private static PruneCompleted pruneCompleted(String m, UUID run) {
        return new PruneCompleted(UUID.randomUUID(), m, Instant.now(), run, "rosemeta", PruneMode.PURGE, 4000, 1234,
                List.of(), List.of());
    }

    @Test
    void statusPrintsTheLatestPhaseAndOutcomeOfEveryRun() {
        String m = "cli-status-" + UUID.randomUUID();
        UUID prune = UUID.randomUUID();
        UUID scan = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Cli.publish(progress(m, "prune", prune, "pre-validation", 7, 7, "counted"));
        Cli.publish(progress(m, "prune", prune, "deleting", 1000, 4000, "deleting"));
        Cli.publish(progress(m, "scan", scan, "scanning", 30, 120, "scanning tables"));
        Cli.publish(progress(m, "prune", prune, "post-validation", 3, 7, "counting again"));
        Cli.publish(pruneFailed(m, prune));
        Cli.publish(progress("another-" + m, "prune", other, "deleting", 1, 2, "not ours"));

        var result = Cli.run("status", m);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("2 run(s), 0 completed, 1 failed, 1 in progress")
                .contains("reason: table rosemeta_executionevent is locked")
                .contains("action: stop the catalog's query-log writer and send a new StartPrune")
                .doesNotContain(other.toString());
        String pruneLine = result.out().lines().filter(l -> l.contains(prune.toString())).findFirst().orElseThrow();
        assertThat(pruneLine).startsWith("prune").contains("post-validation").contains("3/7 rows").contains("PruneFailed FAILED");
        String scanLine = result.out().lines().filter(l -> l.contains(scan.toString())).findFirst().orElseThrow();
        assertThat(scanLine).startsWith("scan").contains("scanning").contains("30/120 rows 25.0%").contains("(running)");

        // A later outcome is the latest state.
        Cli.publish(new ScanCompleted(UUID.randomUUID(), m, Instant.now(), scan, ScanMode.REPORT, 12, List.of(), 0, 0,
                1 << 20, 900, List.of()));
        var again = Cli.run("status", m);
        assertThat(again.out()).contains("2 run(s), 1 completed, 1 failed, 0 in progress").contains("ScanCompleted")
                .contains("tablesScanned=12");

        var none = Cli.run("status", "nothing-" + UUID.randomUUID());
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).contains("no progress or outcome events yet");
    }

    @Test
    void watchPrintsProgressAndTheOutcomeThenExits() {
        String m = "cli-watch-" + UUID.randomUUID();
        UUID run = UUID.randomUUID();
        Cli.publish(progress(m, "prune", run, "deleting", 1000, 4000, "deleting rosemeta_executionevent"));
        Cli.publish(progress(m, "prune", run, "deleting", 4000, 4000, "deleted"));
        Cli.publish(pruneCompleted(m, run));

        var result = Cli.run("watch", m, "--until-outcome", "1", "--timeout", "20s");
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        var lines = result.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("prune").contains(run.toString()).contains("deleting")
                .contains("[######------------------]").contains("1000/4000 rows").contains("25.0%")
                .contains("250 rows/s").contains("ETA 12s").contains("deleting rosemeta_executionevent");
        assertThat(lines.get(1)).contains("[########################]").contains("100.0%");
        assertThat(lines.get(2)).contains("COMPLETED PruneCompleted run " + run).contains("rowsDeleted=4000").contains("mode=PURGE");
    }

    @Test
    void watchFollowsEventsPublishedWhileItRunsAndStopsOnTimeout() throws Exception {
        String m = "cli-live-" + UUID.randomUUID();
        UUID run = UUID.randomUUID();
        var watching = CompletableFuture.supplyAsync(() -> Cli.run("watch", m, "--until-outcome", "1", "--timeout", "20s"));
        Thread.sleep(1500);
        Cli.publish(progress(m, "prune", run, "deleting", 10, 20, "half"));
        Cli.publish(pruneFailed(m, run));
        var result = watching.get(25, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(MigrateCli.FAILED_OUTCOME);
        assertThat(result.out()).contains("10/20 rows").contains("FAILED    PruneFailed")
                .contains("reason: table rosemeta_executionevent is locked");

        var timedOut = Cli.run("watch", m, "--until-outcome", "2", "--timeout", "2s");
        assertThat(timedOut.exitCode()).isEqualTo(MigrateCli.TIMED_OUT);
        assertThat(timedOut.out()).contains("timed out after 2s (1 outcome seen)");
    }

    @Test
    void statusAndWatchPrintJsonForPrograms() {
        String m = "cli-json-" + UUID.randomUUID();
        UUID prune = UUID.randomUUID();
        UUID scan = UUID.randomUUID();
        Cli.publish(progress(m, "prune", prune, "deleting", 1000, 4000, "deleting"));
        Cli.publish(pruneFailed(m, prune));
        Cli.publish(progress(m, "scan", scan, "scanning", 30, 120, "scanning tables"));

        var status = Cli.run("status", m, "--output", "json");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out().lines()).as("one object").hasSize(1);
        JsonNode json = MessageJson.mapper().readTree(status.out());
        assertThat(json.get("migrationId").asString()).isEqualTo(m);
        assertThat(json.get("failed").asInt()).isEqualTo(1);
        assertThat(json.get("inProgress").asInt()).isEqualTo(1);
        JsonNode failedRun = json.get("runs").get(0);
        assertThat(failedRun.get("runId").asString()).isEqualTo(prune.toString());
        assertThat(failedRun.get("progress").get("done").asLong()).isEqualTo(1000);
        assertThat(failedRun.get("outcome").get("failed").asBoolean()).isTrue();
        assertThat(failedRun.get("outcome").get("reason").asString()).isEqualTo("table rosemeta_executionevent is locked");
        assertThat(failedRun.get("outcome").get("event").get("type").asString()).isEqualTo("PruneFailed");
        assertThat(json.get("runs").get(1).get("outcome").isNull()).isTrue();

        var watch = Cli.run("watch", m, "-o", "json", "--until-outcome", "1", "--timeout", "20s");
        assertThat(watch.exitCode()).as("the outcome failed").isEqualTo(MigrateCli.FAILED_OUTCOME);
        var lines = watch.out().lines().map(line -> MessageJson.mapper().readTree(line)).toList();
        // one JSON object per event up to the outcome (the two topics interleave: the scan's progress may come first)
        JsonNode outcome = lines.get(lines.size() - 1);
        assertThat(outcome.get("kind").asString()).isEqualTo("outcome");
        assertThat(outcome.get("failed").asBoolean()).isTrue();
        assertThat(outcome.get("event").get("action").asString()).startsWith("stop the catalog's query-log writer");
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(line -> {
            assertThat(line.get("kind").asString()).isEqualTo("progress");
            assertThat(line.get("at").asString()).isNotBlank();
            assertThat(line.get("event").get("type").asString()).as("as on the wire").isEqualTo("ProgressReported");
        }).anySatisfy(line -> assertThat(line.get("event").get("runId").asString()).isEqualTo(prune.toString()));

        var timedOut = Cli.run("watch", m, "--output", "json", "--until-outcome", "2", "--timeout", "2s");
        assertThat(timedOut.exitCode()).isEqualTo(MigrateCli.TIMED_OUT);
        JsonNode last = MessageJson.mapper().readTree(timedOut.out().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(last.get("kind").asString()).isEqualTo("timeout");
        assertThat(last.get("outcomesSeen").asInt()).isEqualTo(1);
    }

    @Test
    void theCommandConfigFileGivesTheClientPropertiesAndTheBrokers(@TempDir Path directory) throws Exception {
        String m = "cli-config-" + UUID.randomUUID();
        UUID run = UUID.randomUUID();
        Cli.publish(progress(m, "scan", run, "scanning", 3, 12, "scanning tables"));
        Path config = directory.resolve("client.properties");
        Files.writeString(config, "bootstrap.servers=" + Cli.bootstrap() + "\nclient.id=operator-laptop\n");

        var result = Cli.runRaw("status", m, "--command-config", config.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains(run.toString()).contains("3/12 rows");

        var missing = Cli.runRaw("status", m, "--command-config", directory.resolve("absent.properties").toString());
        assertThat(missing.exitCode()).isEqualTo(MigrateCli.USAGE);
        assertThat(missing.err()).contains("Cannot read --command-config");
    }

    @Test
    void theBrokersComeFromTheFlagThenTheFileThenTheEnvironment() {
        assertThat(KafkaOptions.resolveBootstrap("flag:9092", "file:9092", "env:9092")).isEqualTo("flag:9092");
        assertThat(KafkaOptions.resolveBootstrap(null, "file:9092", "env:9092")).isEqualTo("file:9092");
        assertThat(KafkaOptions.resolveBootstrap(null, null, "env:9092")).isEqualTo("env:9092");
        assertThat(KafkaOptions.resolveBootstrap(null, " ", "")).isEqualTo("localhost:9092");
    }

    @Test
    void waitExitsByTheOutcomeOfThatCommand() {
        assertThat(publishAndAnswer(true)).isZero();
        assertThat(publishAndAnswer(false)).isEqualTo(MigrateCli.FAILED_OUTCOME);
    }

    /** Publishes a prune with --wait; answers it (after an unrelated run's outcome) like the service would. */
    private int publishAndAnswer(boolean completed) {
        String m = "cli-wait-" + UUID.randomUUID();
        var out = new StringWriter();
        var err = new StringWriter();
        var waiting = CompletableFuture.supplyAsync(() -> MigrateCli.run(new String[]{"prune", "--migration-id", m,
                "--host", "h", "--user", "u", "--password-ref", "env:PG", "--wait", "--timeout", "20s",
                "--bootstrap-servers", Cli.bootstrap()}, new PrintWriter(out, true), new PrintWriter(err, true)));
        UUID commandId = await().atMost(Duration.ofSeconds(15)).until(
                () -> out.toString().lines().findFirst().map(l -> UUID.fromString(l.strip())).orElse(null), id -> id != null);
        Cli.publish(pruneFailed(m, UUID.randomUUID()));
        Cli.publish(progress(m, "prune", commandId, "deleting", 5, 10, "half way"));
        Cli.publish(completed ? pruneCompleted(m, commandId) : pruneFailed(m, commandId));
        int code = waiting.orTimeout(25, TimeUnit.SECONDS).join();
        assertThat(out.toString()).contains("5/10 rows").contains(completed ? "COMPLETED PruneCompleted run " + commandId
                : "FAILED    PruneFailed run " + commandId);
        if (!completed) {
            assertThat(out.toString()).contains("reason: table rosemeta_executionevent is locked").contains("action: ");
        }
        assertThat(out.toString().lines().filter(l -> l.contains("PruneFailed") || l.contains("PruneCompleted"))).hasSize(1);
        return code;
    }
}
