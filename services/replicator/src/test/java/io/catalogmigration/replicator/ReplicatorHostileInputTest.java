package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.HostileCommands;
import io.catalogmigration.testkit.HostileInputSuite;
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
 * Whoever can write to migration.replicate.command sends each of its commands (BackUpSource, PrepareSource,
 * StartReplication, CheckReplication, ResetReplication) malformed and hostile in every field, the source, target and
 * replication endpoints included: each is refused with a clear reason, neither server changes (no role, publication,
 * subscription or database), the service keeps consuming, and no server's password appears in a record, header, log
 * line or ledger row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatorHostileInputTest {

    private static final String MIGRATION = "mig-hostile";
    private static final String DB = "catalog";

    TwoServers parts;
    /** Where a BackUpSource would write (none may: every one sent here is refused). */
    Path backups;

    @BeforeAll
    void startRealParts() throws Exception {
        parts = TwoServers.start("hostile-repl", Topics.REPLICATE_COMMAND);
        parts.source.createDatabase(DB);
        parts.source.execute(DB, "create table item (id int primary key, label text)",
                "insert into item select g, 'item ' || g from generate_series(1, 100) g");
        backups = Files.createTempDirectory("replicator-hostile-backups");
        parts.startService(ReplicatorApplication.class, Map.of("replicator.backup.directory", backups.toString()));
    }

    @AfterAll
    void stopRealParts() throws Exception {
        parts.close();
        try (var files = Files.walk(backups)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void everyHostileReplicateCommandIsRefusedClearlyAndChangesNoServer() {
        int closedPort = HostileInputSuite.closedPort();
        var nodes = JsonNodeFactory.instance;
        var source = parts.source.endpoint(DB);
        var target = parts.target.endpoint("postgres");
        var replication = new PgEndpoint(source.host(), source.port(), DB, "replicator", "disable", parts.source.secretRef());
        List<HostileCommands.Case> hostile = new ArrayList<>();
        hostile.addAll(HostileCommands.of(ReplicateCommand.class, new BackUpSource(UUID.randomUUID(), MIGRATION,
                Instant.now(), source)).endpoint("source", closedPort).cases());
        hostile.addAll(HostileCommands.of(ReplicateCommand.class, prepare())
                .with("prepare: an injection-shaped replication user", c -> c.put("replicationUser", "replicator; drop role postgres"))
                .with("prepare: the replication password as the service's own", c -> c.put("replicationPasswordRef",
                        "env:CONTROL_DB_PASSWORD"))
                .with("prepare: a pasted replication password", c -> c.put("replicationPasswordRef", "hunter2"))
                .with("prepare: an injection-shaped target address", c -> c.put("targetAddress", "0.0.0.0/0 trust\nhost all"))
                .with("prepare: databases [\"*\"]", c -> c.set("databases", nodes.arrayNode().add("*")))
                .cases());
        hostile.addAll(HostileCommands.of(ReplicateCommand.class, new StartReplication(UUID.randomUUID(), MIGRATION,
                        Instant.now(), source, target, replication, Map.of()))
                .with("start: a pasted role password", c -> c.set("rolePasswordRefs", nodes.objectNode().put("alation", "hunter2")))
                .endpoint("replication").endpoint("target", closedPort).cases());
        hostile.addAll(HostileCommands.of(ReplicateCommand.class, new CheckReplication(UUID.randomUUID(), MIGRATION,
                Instant.now(), source, target)).cases());
        hostile.addAll(HostileCommands.of(ReplicateCommand.class, new ResetReplication(UUID.randomUUID(), MIGRATION,
                        Instant.now(), source, target, MIGRATION))
                .with("reset: confirm names another migration", c -> c.put("confirm", "mig-other"))
                .cases());

        var reasons = HostileInputSuite.refuseAll(parts.commands, parts.events, Topics.REPLICATE_COMMAND, hostile,
                Duration.ofSeconds(300), parts.target, parts.source);

        assertThat(reasons.get("plannedWorkers: 10.5")).as(reasons.toString()).contains("10.5");
        assertThat(reasons.get("prepare: a pasted replication password")).contains("replicationPasswordRef");

        // still consuming: a valid command afterwards is carried out
        var prepare = prepare();
        parts.commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, prepare);
        assertThat(parts.events.awaitOutcome(prepare.commandId(), Duration.ofSeconds(60))).isInstanceOf(SourcePrepared.class);

        HostileInputSuite.assertNoSecretAnywhere(parts.events, parts.logs, parts.target, parts.source.password(),
                parts.target.password());
    }

    private PrepareSource prepare() {
        return new PrepareSource(UUID.randomUUID(), MIGRATION, Instant.now(), parts.source.endpoint("postgres"), List.of(DB),
                "127.0.0.1", "replicator", parts.source.secretRef(), 2);
    }
}
