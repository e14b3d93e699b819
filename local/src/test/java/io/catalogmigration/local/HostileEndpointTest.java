package io.catalogmigration.local;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.prune.PruneApplication;
import io.catalogmigration.replicator.ReplicatorApplication;
import io.catalogmigration.scan.ScanApplication;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of issue 13, as a test: whoever can write to a command topic names, as the endpoint of a prune, a scan and
 * a replicate prepare, a server of their own that refuses TLS and asks for the password in clear text, with the
 * control database's secret as the passwordRef. The server must receive no password at all; where the secret IS bound
 * to that host, the services still refuse clear-text authentication unless the operator allowed it for it.
 */
class HostileEndpointTest {

    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(90);
    /** Set by the module's surefire configuration, as a deployment sets it for the ledger. */
    private static final String CONTROL_SECRET = "env:CONTROL_DB_PASSWORD";

    @TempDir
    static Path secrets;

    private static LocalStack stack;
    private static HostileServer hostile;
    private static String boundSecretRef;
    private static String boundSecret;
    private static String clearTextSecretRef;
    private static String clearTextSecret;

    @BeforeAll
    static void startTheServicesAndTheAttackersServer() throws IOException {
        assertThat(System.getenv("CONTROL_DB_PASSWORD")).as("the service holds its ledger's secret").isNotBlank();
        hostile = new HostileServer();
        boundSecret = "bound-" + UUID.randomUUID();
        boundSecretRef = secretFile("bound.password", boundSecret);
        clearTextSecret = "cleartext-ok-" + UUID.randomUUID();
        clearTextSecretRef = secretFile("cleartext-ok.password", clearTextSecret);
        stack = LocalStack.start(true);
        for (String topic : List.of(Topics.PRUNE_WORK, Topics.SCAN_WORK)) {
            stack.kafka.createTopic(topic, 2);
            stack.kafka.createTopic(Topics.deadLetter(topic), 2);
        }
        // The kit's binding (files and variables for 127.0.0.1) plus one secret the operator allowed clear text for.
        Map<String, Object> settings = new HashMap<>();
        settings.put("migration.secrets.rules[0].references", clearTextSecretRef);
        settings.put("migration.secrets.rules[0].hosts", "127.0.0.1");
        settings.put("migration.secrets.rules[0].clear-text-password", "true");
        settings.put("migration.secrets.rules[1].references", String.join(",", ServiceRunner.KIT_REFERENCES));
        settings.put("migration.secrets.rules[1].hosts", String.join(",", ServiceRunner.KIT_HOSTS));
        stack.startService(PruneApplication.class, settings);
        stack.startService(ScanApplication.class, settings);
        stack.startService(ReplicatorApplication.class, settings);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (stack != null) {
            stack.close();
        }
        if (hostile != null) {
            hostile.close();
        }
    }

    /** The three commands of the attack, each naming the hostile server with the given secret reference. */
    private static final Map<String, Function<String, UUID>> ATTACKS = Map.of(
            "prune", ref -> {
                var command = new StartPrune(UUID.randomUUID(), migration(), Instant.now(), hostileEndpoint(ref), List.of(),
                        PruneMode.PURGE, null);
                stack.commands.send(Topics.PRUNE_COMMAND, PruneCommand.class, command);
                return command.commandId();
            },
            "scan", ref -> {
                var command = new StartScan(UUID.randomUUID(), migration(), Instant.now(), List.of(hostileEndpoint(ref)),
                        ScanMode.REPORT, List.of(), null, null);
                stack.commands.send(Topics.SCAN_COMMAND, ScanCommand.class, command);
                return command.commandId();
            },
            "replicate prepare", ref -> {
                var command = new PrepareSource(UUID.randomUUID(), migration(), Instant.now(), hostileEndpoint(ref),
                        List.of("rosemeta"), "127.0.0.1", "replicator", ref, null);
                stack.commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
                return command.commandId();
            });

    @Test
    void theControlDatabasesSecretNamedForAnAttackersServerIsNeverSentAndTheOutcomeNamesTheRefusedReference() {
        ATTACKS.forEach((what, attack) -> {
            int before = hostile.logins().size();
            UUID run = attack.apply(CONTROL_SECRET);

            EventLog.Recorded outcome = awaitOutcome(run);

            assertThat(outcome.value()).as(what).contains("Failed").contains(CONTROL_SECRET).contains("own");
            assertThat(hostile.logins().size()).as(what + ": the service did not even connect").isEqualTo(before);
        });
        assertThat(hostile.passwordsReceived()).doesNotContain(System.getenv("CONTROL_DB_PASSWORD"));
        stack.events.assertNoRecordContains(System.getenv("CONTROL_DB_PASSWORD"));
    }

    @Test
    void aSecretBoundToTheHostIsStillNotSentInClearTextUnlessTheOperatorAllowedIt() {
        ATTACKS.forEach((what, attack) -> {
            int before = hostile.logins().size();
            UUID run = attack.apply(boundSecretRef);

            EventLog.Recorded outcome = awaitOutcome(run);

            assertThat(outcome.value()).as(what).contains("Failed");
            var logins = hostile.logins();
            assertThat(logins.size()).as(what + ": it connected and was asked for a clear-text password").isGreaterThan(before);
            assertThat(logins.subList(before, logins.size())).as(what + ": no password, in clear text or otherwise")
                    .allSatisfy(login -> assertThat(login.password()).isNull());
        });
        assertThat(hostile.passwordsReceived()).doesNotContain(boundSecret);
        stack.events.assertNoRecordContains(boundSecret);
    }

    @Test
    void whereTheOperatorAllowedClearTextForThatSecretAndHostTheServerGetsIt() {
        // The control: the same server does capture a password when the operator's rule says clear text is fine.
        int before = hostile.logins().size();
        UUID run = ATTACKS.get("prune").apply(clearTextSecretRef);

        assertThat(awaitOutcome(run).value()).contains("Failed");
        var logins = hostile.logins();
        assertThat(logins.subList(before, logins.size())).extracting(HostileServer.Login::password).contains(clearTextSecret);
        stack.events.assertNoRecordContains(clearTextSecret);
    }

    @Test
    void aPasswordPastedWhereTheReferenceBelongsIsRefusedBeforeTheLedgerAndNeverEchoed() {
        for (String pasted : List.of("hunter2-" + UUID.randomUUID(), "env:Pasted-" + UUID.randomUUID() + "-Secret")) {
            String value = pasted.substring(pasted.indexOf('-') + 1);
            int before = hostile.logins().size();
            UUID prune = ATTACKS.get("prune").apply(pasted);
            UUID scan = ATTACKS.get("scan").apply(pasted);

            for (UUID run : List.of(prune, scan)) {
                assertThat(awaitOutcome(run).value()).contains("Failed").contains("value not shown").doesNotContain(value);
            }
            assertThat(hostile.logins()).hasSize(before);
            for (String schema : List.of("prune", "scan")) {
                assertThat(stack.target.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from " + schema
                        + ".run where run_id in ('" + prune + "', '" + scan + "')")).as("refused before any run row").isZero();
                assertThat(stack.target.queryForLong(ServiceRunner.CONTROL_DATABASE, "select count(*) from " + schema
                        + ".run where command::text like '%" + value + "%'")).as(schema + "'s ledger").isZero();
            }
        }
    }

    private static EventLog.Recorded awaitOutcome(UUID run) {
        return stack.events.awaitRecord(Topics.OUTCOME, r -> r.value().contains(run.toString()), OUTCOME_TIMEOUT);
    }

    private static PgEndpoint hostileEndpoint(String passwordRef) {
        return new PgEndpoint("127.0.0.1", hostile.port(), "rosemeta", "postgres", "disable", passwordRef);
    }

    private static String migration() {
        return "attack-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String secretFile(String name, String value) throws IOException {
        Path file = Files.writeString(secrets.resolve(name), value);
        return "file:" + file;
    }
}
