package io.catalogmigration.prune;

import io.catalogmigration.common.contract.PruneCompleted;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service run as deployed, with its web server: the management port answers health, liveness and readiness (broker
 * and control database) and Prometheus, whose scrape shows the run's progress and the throttle's pauses. The wiring is
 * common's, so every service has the same port.
 */
class ManagementPortTest extends PruneTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theManagementPortAnswersProbesAndAPrometheusScrapeShowsTheRunsProgress() throws Exception {
        var service = startService(Map.of("spring.main.web-application-type", "servlet", "server.port", "0"));
        try {
            String base = "http://127.0.0.1:" + service.getEnvironment().getRequiredProperty("local.server.port");

            assertThat(json(base + "/actuator/health/liveness").get("status").asString()).isEqualTo("UP");
            JsonNode readiness = json(base + "/actuator/health/readiness");
            assertThat(readiness.get("status").asString()).isEqualTo("UP");
            assertThat(readiness.at("/components/kafka/status").asString()).isEqualTo("UP");
            assertThat(readiness.at("/components/db/status").asString()).isEqualTo("UP");
            assertThat(json(base + "/actuator/health").at("/components/throttle/details/enabled").asBoolean()).isFalse();

            var command = command(copyOfCatalog(), PruneMode.DRY_RUN, List.of("qli"));
            assertThat(send(command)).isInstanceOf(PruneCompleted.class);

            String scrape = get(base + "/actuator/prometheus").body();
            assertThat(scrape).contains("migration_consumer_throttle_pauses_total")
                    .containsPattern("migration_progress_done\\{[^}]*run=\"" + command.commandId() + "\"[^}]*service=\"prune\"")
                    .containsPattern("migration_progress_planned\\{[^}]*migration=\"" + command.migrationId() + "\"");
        } finally {
            ServiceRunner.stop(service);
        }
    }

    private JsonNode json(String url) throws Exception {
        return MessageJson.mapper().readTree(get(url).body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
