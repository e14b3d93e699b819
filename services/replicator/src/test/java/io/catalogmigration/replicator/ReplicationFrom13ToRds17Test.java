package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ReplicationFailed;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.testkit.PostgresCluster;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicationTest} on the runbook's real servers: a PostgreSQL 13 source and a 17 target whose administrator
 * is not a superuser, with what RDS's master user has.
 */
class ReplicationFrom13ToRds17Test extends ReplicationTest {

    @Override
    PostgresCluster.Builder sourceServer() {
        return PostgresCluster.builder("repl13-source").version(13);
    }

    @Override
    PostgresCluster.Builder targetServer() {
        return PostgresCluster.builder("repl17-target").version(17).rdsShaped();
    }

    @Test
    @Order(0)
    void anOwnerRoleTheTargetAdministratorCannotBecomeFailsNamingTheGrantToRun() {
        source.execute("postgres", "create role legacy_owner", "create database legacy owner legacy_owner");
        source.execute("legacy", "create table kept (id int primary key)", "alter table kept owner to legacy_owner");
        // made by someone else, so the administrator holds no ADMIN OPTION on it and cannot grant it to itself
        target.execute("postgres", "create role legacy_owner");
        var replication = new PgEndpoint(source.host(), source.port(), "legacy", REPLICATION_USER, "disable",
                replicationPasswordRef);

        var outcome = scenario.send(new StartReplication(UUID.randomUUID(), "mig-legacy", Instant.now(), source.endpoint("legacy"),
                target.endpoint("postgres"), replication, Map.of()));

        assertThat(outcome).isInstanceOfSatisfying(ReplicationFailed.class, failed -> {
            assertThat(failed.reason()).contains("rds_master cannot act as role legacy_owner");
            assertThat(failed.action()).contains("GRANT \"legacy_owner\" TO \"rds_master\" WITH INHERIT TRUE, SET TRUE");
        });
        assertThat(target.queryForLong("postgres", "select count(*) from pg_database where datname = 'legacy'")).isZero();
    }
}
