package io.catalogmigration.testkit;

import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.run.PausePoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service in a JVM of its own (the test's classpath), configured as {@link ServiceRunner} configures an in-process
 * one, so that a test can kill it as an operating system would: {@link #kill()} is a SIGKILL, no shutdown hook runs,
 * nothing is flushed or rolled back by the service. With a {@link PausePoint} named, the service stops at that point
 * and {@link #awaitPause} returns once it is there. The settings, the control database's password among them, travel
 * in the child's environment ({@code SPRING_APPLICATION_JSON}), not on its command line; its output goes to a file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private ServiceProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * @param pauseAt a {@link PausePoint} the service stops at, or null
     */
    public static ServiceProcess start(Class<?> application, PostgresCluster control, String bootstrapServers,
                                       Map<String, Object> overrides, String pauseAt) {
        ServiceRunner.ensureControlDatabase(control);
        Map<String, Object> properties = new LinkedHashMap<>(ServiceRunner.properties(control, bootstrapServers));
        ServiceRunner.configName(application).ifPresent(name -> properties.put("spring.config.name", name));
        properties.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (pauseAt != null) {
            command.add("-D" + PausePoint.PROPERTY + "=" + pauseAt);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), application.getName()));
        try {
            Path output = Files.createTempFile("service-" + application.getSimpleName() + "-", ".log");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("SPRING_APPLICATION_JSON", MessageJson.mapper().writeValueAsString(properties));
            return new ServiceProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + application.getSimpleName() + " in a JVM of its own", e);
        }
    }

    /** Waits until the service says it stopped at the pause point; fails if it exits or does not get there in time. */
    public void awaitPause(String point, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(PausePoint.SAID + point)) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited (" + process.exitValue() + ") before it reached " + point
                        + "; its output:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the service did not reach " + point + " within " + timeout + "; its output:\n"
                        + tail());
            }
            sleep(100);
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the service did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the service wrote so far (standard output and error). */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tail() {
        String all = output();
        return all.substring(Math.max(0, all.length() - 6000));
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
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }
}
