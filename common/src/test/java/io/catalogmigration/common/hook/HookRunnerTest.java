package io.catalogmigration.common.hook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookRunnerTest {

    /** The service's environment as a production host has it: the ledger's password, a key, a loose password. */
    private static Map<String, String> serviceEnvironment() {
        Map<String, String> parent = new HashMap<>(System.getenv());
        parent.put("DB_PW", "canary-db-pw");
        parent.put("DATADOG_API_KEY", "canary-api-key");
        parent.put("CONTROL_DB_PASSWORD", "canary-control");
        parent.put("KAFKA_SASL_JAAS", "canary-jaas");
        parent.put("HOOK_TARGET", "web-1");
        parent.put("LC_ALL", "C.UTF-8");
        return parent;
    }

    @Test
    void aHookSeesTheAllowListedVariablesAndItsOwnButNoneOfTheServicesSecrets(@TempDir Path dir) throws Exception {
        var hooks = new HookRunner(Duration.ofSeconds(5), "test.timeout", "hook", List.of("HOOK_TARGET"), serviceEnvironment());
        Path seen = dir.resolve("env");

        hooks.run("switch", List.of("sh", "-c", "env > " + seen), Map.of("MIGRATION_ID", "m-1", "ROSEMETA_PASSWORD_REF", "env:X"));

        String environment = Files.readString(seen);
        assertThat(environment).contains("MIGRATION_ID=m-1", "ROSEMETA_PASSWORD_REF=env:X", "HOOK_TARGET=web-1",
                "LC_ALL=C.UTF-8", "PATH=");
        assertThat(environment).doesNotContain("DB_PW", "DATADOG_API_KEY", "CONTROL_DB_PASSWORD", "KAFKA_SASL_JAAS",
                "canary");
    }

    @Test
    void aHookThatTimesOutLeavesNoChildAlive(@TempDir Path dir) throws Exception {
        var impatient = new HookRunner(Duration.ofMillis(500), "test.timeout");
        Path pids = dir.resolve("pids");

        // a child in the background and one in the foreground, as a hook calling `curl` or `sleep` would have
        assertThatThrownBy(() -> impatient.run("stop-writes", List.of("sh", "-c",
                "sleep 60 & echo $! >> " + pids + "; sh -c 'echo $$ >> " + pids + "; exec sleep 61'"), Map.of()))
                .isInstanceOf(HookRunner.HookFailed.class)
                .hasMessageContaining("did not finish within 500 ms")
                .hasMessageContaining("the processes it started were ended");

        List<Long> children = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
        assertThat(children).hasSize(2);
        long deadline = System.currentTimeMillis() + 5000;
        while (children.stream().anyMatch(HookRunnerTest::running) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(children).noneMatch(HookRunnerTest::running);
    }

    @Test
    void aHookThatFinishesInTimeIsNotDisturbed() throws Exception {
        var hooks = new HookRunner(Duration.ofSeconds(5), "test.timeout");
        assertThat(hooks.run("start-application", List.of("sh", "-c", "echo started"), Map.of())).containsExactly("started");
    }

    /** A process ended but not yet reaped by its new parent (a zombie) is not running. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
