package io.catalogmigration.console;

import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console against a real broker: what the JSON API and the event stream say as a migration's events arrive. */
class ConsoleApiTest {

    private static KafkaBroker kafka;
    private static EventTopics topics;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.PROGRESS, 3);
        kafka.createTopic(Topics.OUTCOME, 3);
        topics = new EventTopics(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        topics.close();
        kafka.close();
    }

    @Test
    void theApiFollowsAMigrationFromItsFirstProgressToItsOutcomes() {
        var events = new SampleEvents("api-" + UUID.randomUUID());
        String id = events.migrationId();
        UUID prune = UUID.randomUUID();
        UUID scan = UUID.randomUUID();
        try (var console = RunningConsole.start(kafka.bootstrapServers(), "console-" + UUID.randomUUID())) {
            topics.publish(events.progress("prune", prune, "deleting", 40, 100, "rows", 30L, "3 tables", Instant.now()));
            JsonNode running = await().atMost(Duration.ofSeconds(30)).until(() -> console.json("/api/migrations/" + id),
                    d -> d.at("/steps/0/phases/0/done").asLong() == 40);
            assertThat(running.at("/summary/state").asString()).isEqualTo("running");
            assertThat(running.at("/steps/0/state").asString()).isEqualTo("RUNNING");
            assertThat(running.at("/steps/0/phases/0/percent").asInt()).isEqualTo(40);
            assertThat(running.at("/steps/0/phases/0/etaSeconds").asLong()).isEqualTo(30);
            assertThat(running.at("/steps/0/startedAt").asString()).as("times are ISO-8601").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            topics.publish(events.pruneCompleted(prune, 100, Instant.now()),
                    events.scanFailed(scan, "relation rosemeta_x does not exist", "fix scan.tables, then send StartScan again",
                            Instant.now().plusMillis(5)));
            JsonNode ended = await().atMost(Duration.ofSeconds(30)).until(() -> console.json("/api/migrations/" + id),
                    d -> d.at("/steps").size() == 2 && d.at("/summary/state").asString().equals("failed"));
            assertThat(ended.at("/steps/0/state").asString()).isEqualTo("SUCCEEDED");
            assertThat(ended.at("/steps/0/outcome").asString()).isEqualTo("PruneCompleted");
            assertThat(ended.at("/steps/0/facts/rowsDeleted").asLong()).isEqualTo(100);
            assertThat(ended.at("/steps/1/service").asString()).isEqualTo("scan");
            assertThat(ended.at("/steps/1/reason").asString()).isEqualTo("relation rosemeta_x does not exist");
            assertThat(ended.at("/steps/1/action").asString()).isEqualTo("fix scan.tables, then send StartScan again");

            JsonNode list = console.json("/api/migrations");
            JsonNode ours = findById(list, id);
            assertThat(ours.get("state").asString()).isEqualTo("failed");
            assertThat(ours.get("failed").asInt()).isEqualTo(1);
            assertThat(console.get("/api/migrations/no-such-migration").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aRecordThatIsNotAnEventIsCountedAndSkippedWithoutStoppingTheConsole() {
        var events = new SampleEvents("skip-" + UUID.randomUUID());
        try (var console = RunningConsole.start(kafka.bootstrapServers(), "console-" + UUID.randomUUID())) {
            long before = await().atMost(Duration.ofSeconds(30)).until(() -> console.json("/api/status"),
                    s -> s.get("brokerReachable").asBoolean()).get("unreadable").asLong();
            topics.publishRaw(Topics.PROGRESS, events.migrationId(), "{\"type\":\"NoSuchEvent\"}");
            topics.publish(events.pruneCompleted(UUID.randomUUID(), 1, Instant.now()));

            await().atMost(Duration.ofSeconds(30)).until(() -> console.get("/api/migrations/" + events.migrationId()).statusCode() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> console.json("/api/status").get("unreadable").asLong() > before);
        }
    }

    @Test
    void anOpenPageIsToldOfEachChangeOverServerSentEvents() throws Exception {
        var events = new SampleEvents("sse-" + UUID.randomUUID());
        List<String> lines = new CopyOnWriteArrayList<>();
        try (var console = RunningConsole.start(kafka.bootstrapServers(), "console-" + UUID.randomUUID())) {
            var response = console.http().send(HttpRequest.newBuilder(console.uri("/api/events"))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            var reader = new Thread(() -> {
                try (var in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                } catch (Exception e) {
                    // The console closed the stream at the end of the test.
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event:status"));

            UUID check = UUID.randomUUID();
            topics.publish(events.status(check, "rosemeta", ReplicationStatusReported.NEED_TO_WAIT, 123_456, Instant.now()));

            await().atMost(Duration.ofSeconds(30)).until(() -> dataAfter(lines, "event:migration", events.migrationId()) != null);
            JsonNode pushed = io.catalogmigration.common.kafka.MessageJson.mapper()
                    .readTree(dataAfter(lines, "event:migration", events.migrationId()));
            assertThat(pushed.at("/steps/0/title").asString()).isEqualTo("catch-up rosemeta");
            assertThat(pushed.at("/steps/0/facts/lagBytes").asLong()).isEqualTo(123_456);
            response.body().close();
        }
    }

    @Test
    void aRestartedConsoleRebuildsTheSameTimelineFromTheTopics() {
        var events = new SampleEvents("restart-" + UUID.randomUUID());
        String group = "console-" + UUID.randomUUID();
        UUID cutover = UUID.randomUUID();
        Instant at = Instant.now();
        JsonNode before;
        try (var console = RunningConsole.start(kafka.bootstrapServers(), group)) {
            topics.publish(events.progress("cutover", cutover, "cutover", 8, 8, "steps", 0L, "completed", at),
                    events.cutoverCompleted(cutover, 950, at.plusMillis(10)));
            before = await().atMost(Duration.ofSeconds(30)).until(() -> console.get("/api/migrations/" + events.migrationId()),
                    r -> r.statusCode() == 200 && r.body().contains("CutoverCompleted"))
                    .body().transform(io.catalogmigration.common.kafka.MessageJson.mapper()::readTree);
        }
        // Same group: its offsets were committed, yet the new instance reads from the beginning again.
        try (var console = RunningConsole.start(kafka.bootstrapServers(), group)) {
            JsonNode after = await().atMost(Duration.ofSeconds(30)).until(() -> console.get("/api/migrations/" + events.migrationId()),
                    r -> r.statusCode() == 200 && r.body().contains("CutoverCompleted"))
                    .body().transform(io.catalogmigration.common.kafka.MessageJson.mapper()::readTree);
            assertThat(after).isEqualTo(before);
            assertThat(after.at("/steps/0/facts/writeDowntimeMillis").asLong()).isEqualTo(950);
            assertThat(after.at("/summary/cutOver").asBoolean()).isTrue();
        }
    }

    @Test
    void withoutABrokerThePageStillRendersAndTheStatusSaysTheBrokerIsNotReachable() throws Exception {
        int nobody;
        try (var socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        try (var console = RunningConsole.start("127.0.0.1:" + nobody, "console-" + UUID.randomUUID())) {
            var page = console.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Catalog migration console", "console.js");
            assertThat(console.get("/console.js").statusCode()).isEqualTo(200);
            assertThat(console.json("/api/migrations").size()).isZero();

            JsonNode status = await().atMost(Duration.ofSeconds(20)).until(() -> console.json("/api/status"),
                    s -> !s.get("checkedAt").isNull());
            assertThat(status.get("brokerReachable").asBoolean()).isFalse();
            assertThat(status.get("bootstrapServers").asString()).isEqualTo("127.0.0.1:" + nobody);
            assertThat(status.get("problem").asString()).isNotBlank();
        }
    }

    @Test
    void whenTheBrokerGoesAwayTheConsoleKeepsWhatItReadAndSaysTheBrokerIsNotReachable() {
        var events = new SampleEvents("gone-" + UUID.randomUUID());
        try (var ownBroker = KafkaBroker.start(); var ownTopics = new EventTopics(ownBroker.bootstrapServers());
             var console = RunningConsole.start(ownBroker.bootstrapServers(), "console-" + UUID.randomUUID())) {
            ownTopics.publish(events.pruneCompleted(UUID.randomUUID(), 7, Instant.now()));
            await().atMost(Duration.ofSeconds(30)).until(() -> console.get("/api/migrations/" + events.migrationId()).statusCode() == 200);
            assertThat(console.json("/api/status").get("brokerReachable").asBoolean()).isTrue();

            ownTopics.close();
            ownBroker.close();

            JsonNode status = await().atMost(Duration.ofSeconds(20)).until(() -> console.json("/api/status"),
                    s -> !s.get("brokerReachable").asBoolean());
            assertThat(status.get("lastEventAt").isNull()).isFalse();
            assertThat(console.json("/api/migrations/" + events.migrationId()).at("/steps/0/facts/rowsDeleted").asLong()).isEqualTo(7);
            assertThat(console.get("/").statusCode()).isEqualTo(200);
        }
    }

    private static JsonNode findById(JsonNode list, String id) {
        for (JsonNode m : list) {
            if (m.get("id").asString().equals(id)) return m;
        }
        throw new AssertionError(id + " is not in " + list);
    }

    /** The data line of the first server-sent event with that name whose data mentions the text. */
    private static String dataAfter(List<String> lines, String eventLine, String text) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals(eventLine) && lines.get(i + 1).startsWith("data:") && lines.get(i + 1).contains(text)) {
                return lines.get(i + 1).substring("data:".length());
            }
        }
        return null;
    }
}
