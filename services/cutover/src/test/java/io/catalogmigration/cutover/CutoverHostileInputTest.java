package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.SampleCatalog;
import io.catalogmigration.testkit.SwitchingWriter;
import io.catalogmigration.testkit.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.JsonNodeFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to migration.cutover.command sends each of its commands (RunPreflight, StartCutover,
 * RollBackCutover, ResetCutover, FinishCutover, CheckFallback) malformed and hostile in every field: each is refused
 * with a clear reason, neither server changes (no fence, no role, no subscription), the application's settings file is
 * not touched, the service keeps consuming, and no server's password appears in a record, header, log line or ledger
 * row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CutoverHostileInputTest {

    static final String MIGRATION = "mig-hostile-cutover";
    static final List<String> DATABASES = List.of(SampleCatalog.ROSEMETA, SampleCatalog.LINEAGE);

    TwoServers parts;
    Path settings;

    @BeforeAll
    void startRealParts() throws Exception {
        parts = TwoServers.start("hostile-cut", Topics.CUTOVER_COMMAND);
        for (PostgresCluster server : List.of(parts.source, parts.target)) {
            DATABASES.forEach(server::createDatabase);
            server.execute(SampleCatalog.ROSEMETA, "create table item (id int primary key)", "insert into item values (1), (2)");
        }
        settings = Files.createTempDirectory("cutover-hostile").resolve("application-db.properties");
        SwitchingWriter.writeSettings(settings, SampleCatalog.ROSEMETA, parts.source.host(), parts.source.port(),
                parts.source.superuser(), parts.source.secretRef());
        parts.startService(CutoverApplication.class, Map.of("cutover.switcher.file", settings.toString(),
                "cutover.confirm-timeout", "3s"));
    }

    @AfterAll
    void stopRealParts() throws Exception {
        parts.close();
    }

    @Test
    void everyHostileCutoverCommandIsRefusedClearlyAndChangesNoServerNorTheSettings() throws Exception {
        int closedPort = HostileInputSuite.closedPort();
        var nodes = JsonNodeFactory.instance;
        String settingsBefore = Files.readString(settings);
        var source = parts.source.endpoint("postgres");
        var target = parts.target.endpoint("postgres");
        List<HostileCommands.Case> hostile = new ArrayList<>();
        hostile.addAll(HostileCommands.of(CutoverCommand.class, preflight())
                .with("preflight: a pasted application password", c -> c.put("applicationPasswordRef", "hunter2"))
                .with("preflight: databases [\"postgres; drop database rosemeta\"]", c -> c.set("databases",
                        nodes.arrayNode().add("postgres; drop database rosemeta")))
                .endpoint("source", closedPort).endpoint("target", closedPort).cases());
        hostile.addAll(HostileCommands.of(CutoverCommand.class, new StartCutover(UUID.randomUUID(), MIGRATION, Instant.now(),
                        source, target, DATABASES, parts.target.superuser(), parts.target.secretRef(), "disable", MIGRATION, 60))
                .with("start: an unknown applicationSslmode", c -> c.put("applicationSslmode", "disable\nrosemeta.host=evil"))
                .with("start: an application user with a newline", c -> c.put("applicationUser", "alation\nrosemeta.host=evil"))
                .with("start: the application password as the service's own", c -> c.put("applicationPasswordRef",
                        "env:CONTROL_DB_PASSWORD"))
                .with("start: confirm names another migration", c -> c.put("confirm", "mig-other"))
                .cases());
        hostile.addAll(HostileCommands.of(CutoverCommand.class, new RollBackCutover(UUID.randomUUID(), MIGRATION,
                Instant.now(), source, target, DATABASES, MIGRATION)).cases());
        hostile.addAll(HostileCommands.of(CutoverCommand.class, new ResetCutover(UUID.randomUUID(), MIGRATION,
                Instant.now(), source, target, DATABASES, MIGRATION)).cases());
        hostile.addAll(HostileCommands.of(CutoverCommand.class, new FinishCutover(UUID.randomUUID(), MIGRATION,
                Instant.now(), source, target, DATABASES, MIGRATION)).cases());
        hostile.addAll(HostileCommands.of(CutoverCommand.class, new CheckFallback(UUID.randomUUID(), MIGRATION,
                Instant.now(), source, target, DATABASES)).cases());

        var reasons = HostileInputSuite.refuseAll(parts.commands, parts.events, Topics.CUTOVER_COMMAND, hostile,
                Duration.ofSeconds(300), parts.target, parts.source);

        assertThat(reasons.get("maxWriteDowntimeSeconds: 10.5")).as(reasons.toString()).contains("10.5");
        assertThat(reasons.get("preflight: a pasted application password")).contains("applicationPasswordRef");
        assertThat(Files.readString(settings)).as("the application's settings file").isEqualTo(settingsBefore);

        // still consuming: a valid preflight afterwards is carried out against both servers (and finds no replication)
        var valid = preflight();
        parts.commands.send(Topics.CUTOVER_COMMAND, CutoverCommand.class, valid);
        assertThat(parts.events.awaitOutcome(valid.commandId(), Duration.ofSeconds(60))).isInstanceOfSatisfying(
                CutoverFailed.class, failed -> assertThat(failed.phase()).as(failed.reason()).isNotEqualTo("VALIDATE"));

        HostileInputSuite.assertNoSecretAnywhere(parts.events, parts.logs, parts.target, parts.source.password(),
                parts.target.password());
    }

    private RunPreflight preflight() {
        return new RunPreflight(UUID.randomUUID(), MIGRATION, Instant.now(), parts.source.endpoint("postgres"),
                parts.target.endpoint("postgres"), DATABASES, parts.target.superuser(), parts.target.secretRef(), null, null);
    }
}
