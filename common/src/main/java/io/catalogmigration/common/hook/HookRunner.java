package io.catalogmigration.common.hook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operator's hook (the cutover's stop, start and switch hooks, the replicator's backup hook): its output goes
 * to the log line by line and is handed back, a non-zero exit or a timeout is a failure naming the hook and its last
 * output lines. Hooks get secret references in their environment, never passwords, and none of the service's own
 * secrets: their environment is PATH, HOME, LANG, LC_*, TZ, the variables the operator allowed by name and the hook's
 * own ({@link ChildProcesses}). At the timeout the hook and every process it started end.
 */
public class HookRunner {

    private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
    private static final int QUOTED_LINES = 5;
    private static final int KEPT_LINES = 200;

    /** A hook that did not finish with exit code 0. */
    public static final class HookFailed extends Exception {
        public HookFailed(String message) {
            super(message);
        }
    }

    private final Duration timeout;
    private final String timeoutSetting;
    private final String noun;
    private final List<String> passedEnvironment;
    private final Map<String, String> parentEnvironment;

    /** @param timeoutSetting what sets the timeout, named when a hook is killed, e.g. "cutover.hook-timeout" */
    public HookRunner(Duration timeout, String timeoutSetting) {
        this(timeout, timeoutSetting, "hook");
    }

    /** @param noun what the program is called in the log and failures: "hook", or "program" for a client tool */
    public HookRunner(Duration timeout, String timeoutSetting, String noun) {
        this(timeout, timeoutSetting, noun, List.of());
    }

    /** @param passedEnvironment the service's variables a hook may see beyond PATH, HOME, LANG, LC_* and TZ */
    public HookRunner(Duration timeout, String timeoutSetting, String noun, List<String> passedEnvironment) {
        this(timeout, timeoutSetting, noun, passedEnvironment, System.getenv());
    }

    /** @param parentEnvironment what the service's environment is taken to be (tests give one holding secrets) */
    public HookRunner(Duration timeout, String timeoutSetting, String noun, List<String> passedEnvironment,
                      Map<String, String> parentEnvironment) {
        this.timeout = timeout;
        this.timeoutSetting = timeoutSetting;
        this.noun = noun;
        this.passedEnvironment = List.copyOf(passedEnvironment);
        this.parentEnvironment = Map.copyOf(parentEnvironment);
    }

    /** @return the hook's last output lines (stdout and stderr, at most 200) */
    public List<String> run(String what, List<String> command, Map<String, String> environment) throws HookFailed {
        return run(what, command, environment, timeout);
    }

    /** @param limit the hook's own limit when shorter than the configured timeout (e.g. what is left of a window) */
    public List<String> run(String what, List<String> command, Map<String, String> environment, Duration limit)
            throws HookFailed {
        Duration timeout = limit.compareTo(this.timeout) < 0 ? limit : this.timeout;
        long started = System.nanoTime();
        Process process;
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            // The service's own secrets (the control database's password, an API key...) are not the hook's business.
            ChildProcesses.withEnvironment(builder, parentEnvironment, passedEnvironment, environment);
            process = builder.start();
        } catch (IOException e) {
            throw new HookFailed("the " + what + " " + noun + " " + command.get(0) + " could not be started: " + e.getMessage());
        }
        Deque<String> last = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.info("[{} {}] {}", what, noun, line);
                    synchronized (last) {
                        last.addLast(line);
                        if (last.size() > KEPT_LINES) last.removeFirst();
                    }
                }
            } catch (IOException e) {
                log.debug("output of the {} hook ended: {}", what, e.getMessage());
            }
        }, "hook-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.endTree(process);
                throw new HookFailed("the " + what + " " + noun + " " + command.get(0) + " did not finish within " + timeout.toMillis()
                        + " ms (" + timeoutSetting + "); it and the processes it started were ended");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            ChildProcesses.endTree(process);
            Thread.currentThread().interrupt();
            throw new HookFailed("the " + what + " " + noun + " was interrupted (the service is stopping)");
        }
        int exit = process.exitValue();
        List<String> output;
        synchronized (last) {
            output = List.copyOf(last);
        }
        if (exit != 0) {
            String quoted = String.join(" | ", output.subList(Math.max(0, output.size() - QUOTED_LINES), output.size()));
            throw new HookFailed("the " + what + " " + noun + " " + command.get(0) + " exited with code " + exit
                    + (quoted.isEmpty() ? "" : "; its last output: " + quoted));
        }
        log.info("The {} {} finished in {} ms", what, noun, (System.nanoTime() - started) / 1_000_000);
        return output;
    }

    /** Empty when the hook's program exists and is executable (by path, or found on PATH). */
    public static List<String> problems(String what, List<String> command) {
        List<String> problems = new ArrayList<>();
        if (command.isEmpty()) {
            return problems;
        }
        String program = command.get(0);
        if (program.contains(File.separator)) {
            if (!Files.isExecutable(Path.of(program))) {
                problems.add("the " + what + " hook " + program + " does not exist or is not executable");
            }
            return problems;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return problems;
            }
        }
        problems.add("the " + what + " hook " + program + " is not on the service's PATH");
        return problems;
    }
}
