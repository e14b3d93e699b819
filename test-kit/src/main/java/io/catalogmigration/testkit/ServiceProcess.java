package io.catalogmigration.testkit;

import io.catalogmigration.common.run.PausePoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service started as a JVM of its own (its own {@code -Xmx}, its own process to kill -9), from this JVM's classpath,
 * against a kit broker and a control database on a kit cluster: what {@link ServiceRunner} does in-process, as a
 * deployment would run it. Its web server (the management port) listens on 127.0.0.1, so its health and metrics can
 * be read over HTTP. Passwords go to the child in its environment, never on its command line (which {@code ps} shows).
 * {@link #kill()} is a SIGKILL: no shutdown hook runs, nothing is flushed or rolled back by the service. With a
 * {@link PausePoint} named, the service stops at that point and {@link #awaitPause} returns once it is there.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Pattern VALUE = Pattern.compile("\"statistic\"\\s*:\\s*\"(?:VALUE|COUNT)\"\\s*,\\s*\"value\"\\s*:\\s*([-0-9.eE+]+|\"NaN\")");

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a service that will stop at a {@link PausePoint} (or null: none), with a 384 MB heap; waits until it is
     * ready.
     */
    public static ServiceProcess start(Class<?> application, PostgresCluster control, String bootstrapServers,
                                       Map<String, Object> overrides, String pauseAt) {
        return start(application.getSimpleName(), application.getName(), "384m", control, bootstrapServers, overrides,
                pauseAt);
    }

    /**
     * Starts {@code mainClass} in a child JVM with {@code -Xmx<maxHeap>} and waits until its readiness probe answers UP.
     *
     * @param overrides service properties over the kit's (as {@code --key=value} arguments)
     */
    public static ServiceProcess start(String name, String mainClass, String maxHeap, PostgresCluster control,
                                       String bootstrapServers, Map<String, Object> overrides) {
        return start(name, mainClass, maxHeap, control, bootstrapServers, overrides, null);
    }

    private static ServiceProcess start(String name, String mainClass, String maxHeap, PostgresCluster control,
                                        String bootstrapServers, Map<String, Object> overrides, String pauseAt) {
        ServiceRunner.ensureControlDatabase(control);
        int port = freePort();
        Map<String, Object> properties = new LinkedHashMap<>(ServiceRunner.properties(control, bootstrapServers));
        try {
            ServiceRunner.configName(Class.forName(mainClass)).ifPresent(config -> properties.put("spring.config.name", config));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(mainClass + " is not on this JVM's classpath", e);
        }
        properties.put("spring.main.web-application-type", "servlet");
        properties.put("server.address", "127.0.0.1");
        properties.put("server.port", port);
        properties.putAll(overrides);
        Map<String, String> environment = new LinkedHashMap<>();
        Object password = properties.remove("spring.datasource.password");
        if (password != null) {
            environment.put("SPRING_DATASOURCE_PASSWORD", password.toString());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-Xms" + maxHeap, "-XX:+UseG1GC"));
        if (pauseAt != null) {
            command.add("-D" + PausePoint.PROPERTY + "=" + pauseAt);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        properties.forEach((key, value) -> {
            if (key.toLowerCase(java.util.Locale.ROOT).contains("password")) {
                throw new IllegalArgumentException("a password property cannot go on a command line: " + key);
            }
            command.add("--" + key + "=" + value);
        });
        try {
            Path log = Files.createTempFile(name + "-", ".log");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            var service = new ServiceProcess(name, builder.start(), port, log);
            // Generous: on a loaded machine a Spring Boot service has taken three minutes to start.
            service.awaitReady(Duration.ofMinutes(10));
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public boolean isAlive() {
        return alive();
    }

    /** Waits until the service says it stopped at the pause point; fails if it exits or does not get there in time. */
    public void awaitPause(String point, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(PausePoint.SAID + point)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before it reached " + point
                        + "; its output:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not reach " + point + " within " + timeout + "; its output:\n" + tail());
            }
            sleep(100);
        }
    }

    /** Everything the service wrote so far (standard output and error). */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A metric's value from the service's metrics endpoint ({@code /actuator/metrics/<name>}); empty if it has none. */
    public OptionalDouble metric(String metric) {
        String body = get("/actuator/metrics/" + metric);
        if (body == null) {
            return OptionalDouble.empty();
        }
        Matcher value = VALUE.matcher(body);
        if (!value.find() || value.group(1).contains("NaN")) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(value.group(1)));
    }

    /** kill -9: no shutdown hook, no leave-group, no lease given back, as when the machine or the JVM dies. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** A normal stop (SIGTERM), then kill -9 if it does not end within a minute. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(1, TimeUnit.MINUTES)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            String health = get("/actuator/health/readiness");
            if (health != null && health.contains("\"UP\"")) {
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + tail());
    }

    private String get(String path) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The last lines the service logged, for a failure message. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private void awaitExit() {
        try {
            process.waitFor(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", port " + port + ")";
    }
}
