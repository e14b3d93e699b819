package io.catalogmigration.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/** The runbook's servers: a 13 source and a 17 target whose services' administrator is shaped like RDS's. */
class PostgresVersionsTest {

    @Test
    void aThirteenClusterRunsTheMavenCentralBuildAndIsDumpedWithTheInstalledClients() {
        try (PostgresCluster cluster = PostgresCluster.builder("kit-13").version(13).fast().start()) {
            assertThat(cluster.majorVersion()).isEqualTo(13);
            assertThat(cluster.queryForLong("postgres", "select current_setting('server_version_num')::int / 10000")).isEqualTo(13);
            assertThat(cluster.serverBinDirectory()).isNotEqualTo(cluster.binDirectory());
            assertThat(cluster.binDirectory().resolve("pg_dump")).isExecutable();
            assertThat(cluster.endpoint("postgres").user()).isEqualTo("postgres");
            // contrib comes with the build: the runbook's source has these
            cluster.execute("postgres", "create extension amcheck", "create extension hstore", "create extension intarray",
                    "create extension pg_visibility");
        }
    }

    @Test
    void aThirteenWithoutPgSurgeryStillGetsRowsWhoseToastChunkIsMissing() {
        try (PostgresCluster cluster = PostgresCluster.builder("kit-13-damage").version(13).fast().start()) {
            var damaged = SampleCorruption.damage(cluster, "postgres", 2);

            assertThat(damaged).hasSize(2);
            for (long id : damaged) {
                assertThatThrownBy(() -> cluster.queryForLong("postgres",
                        "select length(body) from " + SampleCorruption.TABLE + " where id = " + id))
                        .hasMessageContaining("missing chunk number 1 for toast value");
            }
            assertThat(cluster.queryForLong("postgres", "select count(length(body)) from " + SampleCorruption.TABLE
                    + " where id not in (" + damaged.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).get() + ")"))
                    .isEqualTo(SampleCorruption.ROWS - 2);
        }
    }

    @Test
    void anRdsShapedSeventeenGivesTheServicesANonSuperuserThatDoesNotInheritTheRolesItCreates() throws SQLException {
        try (PostgresCluster cluster = PostgresCluster.builder("kit-17-rds").version(17).fast().rdsShaped().start()) {
            assertThat(cluster.majorVersion()).isEqualTo(17);
            assertThat(cluster.rdsShaped()).isTrue();
            assertThat(cluster.endpoint("postgres").user()).isEqualTo("rds_master").isEqualTo(cluster.adminUser());
            assertThat(cluster.adminPassword()).isNotEqualTo(cluster.password());
            assertThat(cluster.queryForLong("postgres", """
                    select count(*) from pg_roles where rolname = 'rds_master'
                    and not rolsuper and rolcreatedb and rolcreaterole and rolcanlogin""")).isEqualTo(1);
            for (String role : new String[] {"rds_superuser", "rds_replication", "pg_signal_backend", "pg_monitor",
                    "pg_create_subscription"}) {
                assertThat(cluster.queryForLong("postgres", "select pg_has_role('rds_master', '" + role + "', 'MEMBER')::int"))
                        .as(role).isEqualTo(1);
            }
            cluster.createDatabase("owned");
            assertThat(cluster.queryForLong("postgres",
                    "select count(*) from pg_database where datname = 'owned' and pg_get_userbyid(datdba) = 'rds_master'"))
                    .isEqualTo(1);
            try (Connection admin = cluster.connectAsAdmin("owned"); Statement statement = admin.createStatement()) {
                statement.execute("create role app_owner");
                assertThatThrownBy(() -> statement.execute("create table t (x int); alter table t owner to app_owner"))
                        .hasMessageContaining("must be able to SET ROLE");
            }
        }
    }

    @Test
    void aMajorThatCannotBeHadIsNamedWithWhatToInstall() {
        assertThatThrownBy(() -> PostgresCluster.builder("kit-11").version(11).start())
                .hasMessageContaining("PostgreSQL 11 server binaries are missing")
                .hasMessageContaining("/usr/lib/postgresql/11");
    }
}
