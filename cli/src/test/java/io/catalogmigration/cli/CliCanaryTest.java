package io.catalogmigration.cli;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator (or whoever holds the CLI) sends hostile commands to a real prune service, each with {@code --wait}, then
 * asks for the migration's status: the server's password (the canary) is in no line the CLI prints, whether the CLI
 * refused the command itself (the canary given as a password or as a reference) or printed the service's refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCanaryTest {

    PostgresCluster pg;
    KafkaBroker kafka;
    ConfigurableApplicationContext service;

    @BeforeAll
    void startRealParts() {
        pg = PostgresCluster.builder("cli-canary").fast().start();
        pg.createDatabase(SampleCatalog.ROSEMETA);
        kafka = KafkaBroker.start();
        for (String topic : List.of(Topics.PRUNE_COMMAND, Topics.deadLetter(Topics.PRUNE_COMMAND), Topics.PRUNE_WORK,
                Topics.deadLetter(Topics.PRUNE_WORK), Topics.PROGRESS, Topics.OUTCOME)) {
            kafka.createTopic(topic, 1);
        }
        service = ServiceRunner.start(PruneApplication.class, pg, kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    void stopRealParts() {
        ServiceRunner.stop(service);
        if (kafka != null) kafka.close();
        if (pg != null) pg.close();
    }

    @Test
    void hostileCommandsAndTheirRefusalsNeverPrintTheServersPassword() {
        String canary = pg.password();
        String migration = "cli-canary-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String[]> hostile = new LinkedHashMap<>();
        hostile.put("the password itself", new String[]{"--password", canary});
        hostile.put("the password as a reference", new String[]{"--password-ref", canary});
        // after file: (not an absolute path): "env:" + canary would be a valid reference, named back as any reference is
        hostile.put("the password pasted after a scheme", new String[]{"--password-ref", "file:" + canary});
        hostile.put("the service's own secret", new String[]{"--password-ref", "env:CONTROL_DB_PASSWORD"});
        hostile.put("the process's environment", new String[]{"--password-ref", "file:/proc/self/environ"});
        hostile.put("the server's password file, a database that overrides TLS", new String[]{"--password-ref",
                pg.secretRef(), "--database", "rosemeta?sslmode=disable"});
        hostile.put("the server's password file, a user that does not exist", new String[]{"--password-ref",
                pg.secretRef(), "--user", "nobody"});
        hostile.put("the server's password file, a database that does not exist", new String[]{"--password-ref",
                pg.secretRef(), "--database", "no_such_database"});
        List<String> printed = new ArrayList<>();

        hostile.forEach((name, flags) -> {
            var result = prune(migration, flags);
            assertThat(result.exitCode()).as(name + ": " + result.err()).isNotZero();
            printed.add(result.out() + result.err());
        });
        var dryRun = prune(migration, "--password-ref", pg.secretRef());
        var status = Cli.runRaw("status", migration, "--bootstrap-servers", kafka.bootstrapServers());

        assertThat(dryRun.exitCode()).as("a valid dry run still works: " + dryRun.err()).isZero();
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("prune");
        printed.add(dryRun.out() + dryRun.err());
        printed.add(status.out() + status.err());
        assertThat(printed).as("what the CLI printed").noneMatch(text -> text.contains(canary));
    }

    /** {@code migrate prune ... --wait} on the test's server, {@code flags} (pairs) in place of the defaults. */
    private Cli.Result prune(String migration, String... flags) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--migration-id", migration, "--host", pg.host(),
                "--port", String.valueOf(pg.port()), "--user", pg.superuser(), "--sslmode", "disable", "--mode", "DRY_RUN",
                "--timeout", "60s", "--bootstrap-servers", kafka.bootstrapServers()));
        for (int i = 0; i < flags.length; i += 2) {
            options.put(flags[i], flags[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("prune", "--wait"));
        options.forEach((flag, value) -> args.addAll(List.of(flag, value)));
        return Cli.runRaw(args.toArray(String[]::new));
    }
}
