package io.catalogmigration.console;

import io.catalogmigration.common.kafka.MessageJson;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The console application started as a deployment runs it (its console.yml, a real web server on a free port). */
final class RunningConsole implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final int port;

    private RunningConsole(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    static RunningConsole start(String bootstrapServers, String groupId) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("spring.kafka.consumer.group-id", groupId);
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("console.broker-check-interval", "500ms");
        properties.put("console.broker-timeout", "1s");
        properties.put("console.push-interval", "100ms");
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new RunningConsole(new SpringApplicationBuilder(ConsoleApplication.class)
                .properties("spring.config.name=" + ConsoleApplication.CONFIG)
                .registerShutdownHook(false).run(args.toArray(String[]::new)));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of a 200 answer; anything else fails the test with what the console said. */
    JsonNode json(String path) {
        var response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return MessageJson.mapper().readTree(response.body());
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        if (context.isActive()) SpringApplication.exit(context);
    }
}
