package io.catalogmigration.cli;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.testkit.EventLog;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Passwords, non-reference secrets and bad flags are refused before anything reaches Kafka; a dead broker fails fast. */
class RejectionTest {

    @Test
    void passwordsAndNonReferencesAreRefusedAndNothingIsPublished() {
        String m = "cli-reject-" + UUID.randomUUID();
        String[] common = {"--migration-id", m, "--host", "h", "--user", "u"};
        try (var log = EventLog.follow(Cli.bootstrap(), Topics.PRUNE_COMMAND, Topics.SCAN_COMMAND,
                Topics.PROVISION_COMMAND, Topics.LINEAGE_COMMAND)) {
            var password = Cli.run(PublishCommandsTest.concat(new String[]{"prune", "--password", "hunter2"}, common));
            assertThat(password.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(password.err()).contains("--password is not accepted").doesNotContain("hunter2");

            var inline = Cli.run(PublishCommandsTest.concat(new String[]{"lineage", "start", "--source-password=hunter2"}, common));
            assertThat(inline.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(inline.err()).contains("--source-password is not accepted").doesNotContain("hunter2");

            for (String bad : new String[]{"hunter2", "env:", "env:1BAD", "file:relative/path", "vault:x", "aws-secretsmanager:"}) {
                var result = Cli.run(PublishCommandsTest.concat(new String[]{"scan", "--password-ref", bad}, common));
                assertThat(result.exitCode()).as(bad).isEqualTo(MigrateCli.USAGE);
                assertThat(result.err()).contains("not a secret reference").doesNotContain("'" + bad + "'");
                if (bad.equals("hunter2")) assertThat(result.err()).doesNotContain(bad);
            }

            var target = Cli.run("provision", "create", "--migration-id", m, "--source-host", "h", "--source-user", "u",
                    "--source-password-ref", "env:OK", "--target-host", "t", "--target-user", "u", "--target-password-ref", "s3cret");
            assertThat(target.exitCode()).isEqualTo(MigrateCli.USAGE);

            var missing = Cli.run(PublishCommandsTest.concat(new String[]{"prune"}, common));
            assertThat(missing.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(missing.err()).contains("Missing required option: --password-ref").contains("Usage: migrate prune");

            var unconfirmed = Cli.run("provision", "delete", "--migration-id", m, "--provider", "aws", "--db-instance-identifier", "x");
            assertThat(unconfirmed.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(unconfirmed.err()).contains("--confirm");

            var badMode = Cli.run(PublishCommandsTest.concat(new String[]{"prune", "--password-ref", "env:X", "--mode", "DELETE_ALL"}, common));
            assertThat(badMode.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(badMode.err()).contains("--mode").contains("Usage:");

            var badPort = Cli.run(PublishCommandsTest.concat(new String[]{"prune", "--password-ref", "env:X", "--port", "70000"}, common));
            assertThat(badPort.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(badPort.err()).contains("not a TCP port");

            var badId = Cli.run("prune", "--password-ref", "env:X", "--migration-id", "rds 2025\nforged", "--host", "h", "--user", "u");
            assertThat(badId.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(badId.err()).contains("must be 1-100 letters, digits", "nothing was sent").doesNotContain("\nforged");

            // A valid command after all the refused ones: once it is on the topic, the refused ones would be too.
            String sentinel = "cli-sentinel-" + UUID.randomUUID();
            var ok = Cli.run("lineage", "reset-pointer", "--migration-id", sentinel);
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            log.awaitRecord(Topics.LINEAGE_COMMAND, r -> sentinel.equals(r.key()), Duration.ofSeconds(15));
            assertThat(log.records().stream().filter(r -> m.equals(r.key()))).isEmpty();
            log.assertNoRecordContains("hunter2");
            log.assertNoRecordContains("s3cret");
        }
    }

    @Test
    void commandsThatStopWritesOrDropDatabasesNeedTheMigrationIdAgain() {
        String m = "cli-confirm-" + UUID.randomUUID();
        String[] ends = {"--migration-id", m, "--source-host", "s", "--source-user", "u", "--source-password-ref", "env:S",
                "--target-host", "t", "--target-user", "u", "--target-password-ref", "env:T"};
        String[] app = {"--application-user", "app", "--application-password-ref", "env:APP"};
        try (var log = EventLog.follow(Cli.bootstrap(), Topics.CUTOVER_COMMAND, Topics.REPLICATE_COMMAND)) {
            for (String[] command : new String[][]{PublishCommandsTest.concat(new String[]{"cutover", "run"}, app),
                    {"cutover", "rollback"}, {"cutover", "reset"}, {"cutover", "finish"},
                    {"replicate", "reset", "--database", "rosemeta"}}) {
                String name = command[0] + " " + command[1];
                var missing = Cli.run(PublishCommandsTest.concat(command, ends));
                assertThat(missing.exitCode()).as(name).isEqualTo(MigrateCli.USAGE);
                assertThat(missing.err()).contains("migrate " + name).contains("add --confirm " + m).contains("Usage:");
                assertThat(missing.out()).isEmpty();

                var other = Cli.run(PublishCommandsTest.concat(PublishCommandsTest.concat(command, ends),
                        new String[]{"--confirm", "another-migration"}));
                assertThat(other.exitCode()).as(name).isEqualTo(MigrateCli.USAGE);
                assertThat(other.err()).contains("--confirm must repeat --migration-id exactly")
                        .contains("'another-migration' is not '" + m + "'");
                assertThat(other.out()).isEmpty();
            }

            var halfFallback = Cli.run(PublishCommandsTest.concat(PublishCommandsTest.concat(new String[]{"cutover", "run",
                    "--confirm", m, "--fallback-user", "catalog_fallback"}, app), ends));
            assertThat(halfFallback.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(halfFallback.err()).contains("--fallback-user needs --fallback-password-ref");

            var role = Cli.run("replicate", "start", "--migration-id", m, "--database", "rosemeta", "--source-host", "s",
                    "--source-user", "u", "--source-password-ref", "env:S", "--target-host", "t", "--target-user", "u",
                    "--target-password-ref", "env:T", "--replication-password-ref", "env:R", "--role-password-ref", "alation=hunter2");
            assertThat(role.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(role.err()).contains("not a secret reference").doesNotContain("hunter2");
            var bare = Cli.run("replicate", "start", "--migration-id", m, "--role-password-ref", "hunter2");
            assertThat(bare.exitCode()).isEqualTo(MigrateCli.USAGE);
            assertThat(bare.err()).contains("ROLE=REF").doesNotContain("hunter2");

            String sentinel = "cli-sentinel-" + UUID.randomUUID();
            var ok = Cli.run(PublishCommandsTest.concat(new String[]{"cutover", "preflight", "--migration-id", sentinel},
                    java.util.Arrays.copyOfRange(ends, 2, ends.length)));
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            log.awaitRecord(Topics.CUTOVER_COMMAND, r -> sentinel.equals(r.key()), Duration.ofSeconds(15));
            assertThat(log.records().stream().filter(r -> m.equals(r.key()))).isEmpty();
            log.assertNoRecordContains("hunter2");
        }
    }

    @Test
    void unreachableBrokerFailsWithinTheTimeoutAndSaysWhatToDo() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        var result = Cli.runRaw("status", "m", "--bootstrap-servers", "127.0.0.1:" + port, "--broker-timeout", "2s");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.exitCode()).isEqualTo(MigrateCli.UNREACHABLE);
        assertThat(result.err()).contains("Cannot reach Kafka at 127.0.0.1:" + port).contains("--bootstrap-servers");
        assertThat(ms).isLessThan(8_000);
    }
}
