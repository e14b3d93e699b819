package io.catalogmigration.cutover.switching;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookRunnerTest {

    private final HookRunner hooks = new HookRunner(Duration.ofSeconds(5));

    @Test
    void aHookThatFailsIsNamedWithItsExitCodeAndLastOutput() {
        assertThatThrownBy(() -> hooks.run("stop-writes", List.of("sh", "-c", "echo stopping web; echo no such unit >&2; exit 3"),
                Map.of()))
                .isInstanceOf(HookRunner.HookFailed.class)
                .hasMessageContaining("stop-writes hook sh exited with code 3")
                .hasMessageContaining("no such unit");
    }

    @Test
    void aHookThatHangsIsKilledAtTheTimeout() {
        var impatient = new HookRunner(Duration.ofMillis(300));
        assertThatThrownBy(() -> impatient.run("start-application", List.of("sleep", "30"), Map.of()))
                .hasMessageContaining("did not finish within");
    }

    @Test
    void theConfiguredVariablesAreTheOnlyOnesAHookSeesBeyondTheBasics(@TempDir Path dir) throws Exception {
        Path seen = dir.resolve("env");
        new HookRunner(Duration.ofSeconds(5), List.of("PATH")).run("switch", List.of("sh", "-c", "env > " + seen), Map.of());
        assertThat(Files.readAllLines(seen)).allMatch(line -> line.matches("(PATH|HOME|LANG|LC_[A-Z_]*|TZ|PWD|SHLVL|_)=.*"));
    }

    @Test
    void aHookGetsItsVariablesButNotTheServicesSecrets(@TempDir Path dir) throws Exception {
        Path seen = dir.resolve("env");
        hooks.run("switch", List.of("sh", "-c", "env > " + seen), Map.of("MIGRATION_ID", "m-1", "ROSEMETA_PASSWORD_REF", "file:/x"));

        String environment = Files.readString(seen);
        assertThat(environment).contains("MIGRATION_ID=m-1");
        assertThat(System.getenv().keySet().stream().filter(k -> k.toUpperCase().contains("PASSWORD")))
                .allSatisfy(name -> assertThat(environment).doesNotContain(name + "="));
    }

    @Test
    void aMissingProgramIsReportedBeforeAnyCutover() {
        assertThat(HookRunner.problems("stop-writes", List.of("/nonexistent/stop-app"))).singleElement().asString()
                .contains("does not exist or is not executable");
        assertThat(HookRunner.problems("stop-writes", List.of("sh"))).isEmpty();
        assertThat(HookRunner.problems("stop-writes", List.of())).isEmpty();
    }
}
