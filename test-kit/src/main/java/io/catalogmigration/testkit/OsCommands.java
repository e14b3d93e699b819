package io.catalogmigration.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived operating-system commands and collects their output. */
final class OsCommands {

    private OsCommands() {
    }

    static CommandResult run(List<String> command, Path workDirectory, Duration timeout) {
        Path output = null;
        try {
            // A file rather than a pipe: pg_ctl leaves a daemon behind, and a pipe a daemon might
            // inherit could keep a reader blocked forever.
            output = Files.createTempFile("pgkit-cmd-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory == null ? null : workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            cleanEnvironment(builder.environment());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + ":\n" + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
            return new CommandResult(List.copyOf(command), process.exitValue(),
                    new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a stray temp file is not worth failing a test run over
                }
            }
        }
    }

    /**
     * A developer's PGDATA/PGPORT/PGHOST... must not redirect our tools to their own server, and
     * English server messages keep the log readable for the port-clash check.
     */
    private static void cleanEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(key -> key.startsWith("PG"));
        environment.put("LC_ALL", "C");
        environment.remove("LANGUAGE");
    }
}
