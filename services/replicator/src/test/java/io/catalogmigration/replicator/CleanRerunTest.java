package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.ReplicationReset;
import io.catalogmigration.common.contract.ReplicationStarted;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.pg.MigrationMarker;
import io.catalogmigration.testkit.CommandSender;
import io.catalogmigration.testkit.EventLog;
import io.catalogmigration.testkit.KafkaBroker;
import io.catalogmigration.testkit.PostgresCluster;
import io.catalogmigration.testkit.ServiceRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resets and reruns on the runbook's servers (a 13 source, a 17 target whose administrator is not a superuser): a
 * START that cannot finish changes nothing, the roles it creates carry the migration's mark, its grants on the source
 * are recorded, and a RESET takes back exactly what the START made, so the next START begins clean.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CleanRerunTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String DB = "shop";
    static final String MIGRATION = "mig-clean-rerun";
    static final String REPLICATION_USER = "replicator";

    PostgresCluster source;
    PostgresCluster target;
    KafkaBroker kafka;
    EventLog events;
    CommandSender commands;
    ConfigurableApplicationContext service;
    Path secrets;
    String replicationRef;
    String ownerRef;

    @BeforeAll
    void startRealParts() throws Exception {
        source = PostgresCluster.builder("rerun13-source").version(13).logical().fast().start();
        target = PostgresCluster.builder("rerun17-target").version(17).rdsShaped().fast().start();
        secrets = Files.createTempDirectory("clean-rerun-test");
        String replicationPassword = "Repl-" + UUID.randomUUID();
        replicationRef = secret("replication", replicationPassword);
        ownerRef = secret("shop_owner", "Owner-" + UUID.randomUUID());
        source.execute("postgres",
                "create role shop_owner login",
                "create role shop_reader nologin",
                "create role " + REPLICATION_USER + " login replication password '" + replicationPassword + "'",
                "create database shop owner shop_owner");
        source.execute(DB,
                "set role shop_owner",
                "create table items (id int primary key, name text)",
                "insert into items select g, 'item ' || g from generate_series(1, 100) g",
                "create table notes_nokey (a int, b text)",
                "insert into notes_nokey select g, 'note ' || g from generate_series(1, 50) g",
                "grant select on items to shop_reader");
        kafka = KafkaBroker.start();
        kafka.createTopic(Topics.REPLICATE_COMMAND, 1);
        kafka.createTopic(Topics.deadLetter(Topics.REPLICATE_COMMAND), 1);
        kafka.createTopic(Topics.PROGRESS, 6);
        kafka.createTopic(Topics.OUTCOME, 6);
        events = EventLog.follow(kafka.bootstrapServers());
        commands = new CommandSender(kafka.bootstrapServers());
        service = ServiceRunner.start(ReplicatorApplication.class, target, kafka.bootstrapServers(),
                Map.of("replicator.initial-copy", "native"));
    }

    @AfterAll
    void stopRealParts() {
        ServiceRunner.stop(service);
        commands.close();
        events.close();
        kafka.close();
        target.close();
        source.close();
    }

    @Test
    @Order(1)
    void anUnusableReplicationPasswordReferenceFailsBeforeAnythingChanges() {
        var outcome = send(start(replication("file:" + secrets.resolve("no-such-file")), Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("replication.passwordRef", "no-such-file");
            assertThat(failed.action()).contains("nothing was changed");
        });
        assertNothingChanged();
    }

    @Test
    @Order(2)
    void aWrongReplicationPasswordFailsBeforeAnythingChanges() throws Exception {
        var outcome = send(start(replication(secret("wrong", "not-the-password")), Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("refuses the password of the replication user replicator");
            assertThat(failed.action()).contains("nothing was changed");
        });
        assertNothingChanged();
    }

    @Test
    @Order(3)
    void anUnusableRolePasswordReferenceFailsBeforeAnythingChanges() {
        var outcome = send(start(replication(replicationRef), Map.of("shop_owner", "env:CLEAN_RERUN_TEST_UNSET")));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed ->
                assertThat(failed.reason()).contains("rolePasswordRefs.shop_owner", "CLEAN_RERUN_TEST_UNSET"));
        assertNothingChanged();
    }

    @Test
    @Order(4)
    void theRolesAStartCreatesAreMarkedAndASecondStartAddsNoRoleForItsOwnGrants() {
        var outcome = send(start(replication(replicationRef), Map.of("shop_owner", ownerRef)));

        // postgres too: the source's superuser owns schema public there, and the target's superuser has another name
        assertThat(outcome).as(outcome.toString()).isInstanceOfSatisfying(ReplicationStarted.class, started ->
                assertThat(started.rolesCreated()).containsExactlyInAnyOrder("postgres", "shop_owner", "shop_reader"));
        assertThat(comment("shop_owner")).isEqualTo(MigrationMarker.of(MIGRATION));
        assertThat(comment("shop_reader")).isEqualTo(MigrationMarker.of(MIGRATION));
        assertThat(source.queryForLong(DB, "select count(*) from pg_class where relname = 'items' "
                + "and has_table_privilege('replicator', oid, 'SELECT')")).as("the start's grant").isEqualTo(1);

        // Sent again, as after a failure: the source now holds the start's own grants to the replication user.
        var again = send(start(replication(replicationRef), Map.of("shop_owner", ownerRef)));

        assertThat(again).as(again.toString()).isInstanceOfSatisfying(ReplicationStarted.class, started ->
                assertThat(started.rolesCreated()).isEmpty());
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'replicator'"))
                .as("no role for the replication user on the target").isZero();
    }

    @Test
    @Order(5)
    void resetRevokesTheGrantsDropsTheRolesItCreatedAndKeepsOneThatStillOwnsSomething() {
        // something of the role's elsewhere on the target: the reset must not take it away
        target.execute("postgres", "create table reader_owned (id int)", "alter table reader_owned owner to shop_reader");

        var outcome = send(reset());

        assertThat(outcome).as(outcome.toString()).isInstanceOfSatisfying(ReplicationReset.class, reset -> {
            assertThat(reset.databaseDropped()).isTrue();
            assertThat(reset.rolesDropped()).containsExactlyInAnyOrder("postgres", "shop_owner");
            assertThat(reset.rolesKept()).singleElement().satisfies(k -> assertThat(k)
                    .startsWith("shop_reader: still owns or is granted objects in database postgres"));
            assertThat(reset.notes()).anySatisfy(n -> assertThat(n).contains("revoked on the source",
                    "SELECT on table public.items to replicator"));
        });
        assertNothingChanged("shop_reader");
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'shop_reader'")).isEqualTo(1);

        target.execute("postgres", "drop table reader_owned");
        var again = send(reset());

        assertThat(again).isInstanceOfSatisfying(ReplicationReset.class, reset -> {
            assertThat(reset.rolesDropped()).containsExactly("shop_reader");
            assertThat(reset.rolesKept()).isEmpty();
        });
        assertNothingChanged();
    }

    @Test
    @Order(6)
    void aStartAfterTheResetBeginsCleanAndItsResetLeavesNothingBehind() {
        var outcome = send(start(replication(replicationRef), Map.of("shop_owner", ownerRef)));

        assertThat(outcome).as(outcome.toString()).isInstanceOfSatisfying(ReplicationStarted.class, started ->
                assertThat(started.rolesCreated()).containsExactlyInAnyOrder("postgres", "shop_owner", "shop_reader"));
        assertThat(target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'replicator'")).isZero();
        assertThat(target.queryForLong(DB, "select count(*) from items")).isBetween(0L, 100L);

        assertThat(send(reset())).isInstanceOf(ReplicationReset.class);
        assertNothingChanged();
        events.assertNoRecordContains(source.password());
        events.assertNoRecordContains(target.adminPassword());
    }

    /** The source and the target as they were before the first START, but for the roles named. */
    void assertNothingChanged(String... rolesLeft) {
        assertThat(source.queryForLong(DB, "select count(*) from pg_publication")).as("publications").isZero();
        assertThat(source.queryForLong("postgres", "select count(*) from pg_replication_slots")).as("slots").isZero();
        assertThat(source.queryForLong(DB, "select count(*) from pg_class where relname = 'notes_nokey' and relreplident = 'd'"))
                .as("replica identity of notes_nokey").isEqualTo(1);
        assertThat(source.queryForLong(DB, "select count(*) from pg_class c where relname in ('items', 'notes_nokey') "
                + "and has_table_privilege('replicator', c.oid, 'SELECT')")).as("grants to the replication user").isZero();
        assertThat(source.queryForLong(DB, "select count(*) from pg_namespace n, aclexplode(n.nspacl) a "
                + "where n.nspname = 'public' and a.grantee = 'replicator'::regrole")).as("USAGE granted on public").isZero();
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'shop'")).as("database")
                .isZero();
        long roles = target.queryForLong("postgres", "select count(*) from pg_roles where rolname in ('postgres', "
                + "'shop_owner', 'shop_reader', 'replicator')");
        assertThat(roles).as("roles on the target").isEqualTo(rolesLeft.length);
    }

    String comment(String role) {
        try (Connection c = target.connect("postgres"); var ps = c.prepareStatement(
                "select shobj_description(oid, 'pg_authid') from pg_roles where rolname = ?")) {
            ps.setString(1, role);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    PgEndpoint replication(String passwordRef) {
        return new PgEndpoint(source.host(), source.port(), DB, REPLICATION_USER, "disable", passwordRef);
    }

    StartReplication start(PgEndpoint replication, Map<String, String> rolePasswordRefs) {
        return new StartReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB),
                target.endpoint("postgres"), replication, rolePasswordRefs);
    }

    ResetReplication reset() {
        return new ResetReplication(UUID.randomUUID(), MIGRATION, Instant.now(), source.endpoint(DB), target.endpoint("postgres"), MIGRATION);
    }

    OutcomeEvent send(ReplicateCommand command) {
        commands.send(Topics.REPLICATE_COMMAND, ReplicateCommand.class, command);
        return events.awaitOutcome(command.commandId(), TIMEOUT);
    }

    String secret(String name, String value) throws Exception {
        Path file = Files.createFile(secrets.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value);
        return "file:" + file;
    }
}
