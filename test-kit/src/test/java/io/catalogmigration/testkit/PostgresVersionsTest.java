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
    void anRdsShapedAdministratorCreatesTheExtensionsRdsAllowsButNotFileFdwAndGrantsMonitoring() throws SQLException {
        try (PostgresCluster cluster = PostgresCluster.builder("kit-17-ext").version(17).fast().rdsShaped().start()) {
            cluster.createDatabase("catalog");
            try (Connection admin = cluster.connectAsAdmin("catalog"); Statement statement = admin.createStatement()) {
                for (String extension : new String[] {"intarray", "hstore", "amcheck", "pg_visibility"}) {
                    statement.execute("create extension " + extension);
                }
                assertThatThrownBy(() -> statement.execute("create extension file_fdw"))
                        .hasMessageContaining("permission denied");
                statement.execute("create role monitor login");
                statement.execute("grant pg_monitor to monitor");
            }
            assertThat(cluster.queryForLong("catalog", "select count(*) from pg_extension where extname in "
                    + "('intarray', 'hstore', 'amcheck', 'pg_visibility')")).isEqualTo(4);
            assertThat(cluster.queryForLong("catalog", "select pg_has_role('monitor', 'pg_monitor', 'MEMBER')::int")).isEqualTo(1);
        }
        // the plain build of the same major keeps amcheck for superusers, as upstream ships it
        try (PostgresCluster cluster = PostgresCluster.builder("kit-17-plain").version(17).fast().start()) {
            assertThat(cluster.queryForLong("postgres", "select (not trusted)::int from pg_available_extension_versions "
                    + "where name = 'amcheck' limit 1")).isEqualTo(1);
        }
    }

    @Test
    void theSampleCatalogOnAThirteenSourceHasTheRunbooksExtensionsRolesOwnerAndGrants() {
        try (PostgresCluster cluster = PostgresCluster.builder("kit-13-catalog").version(13).fast().start()) {
            SampleCatalog.generate(cluster, SampleSize.tiny());

            assertThat(cluster.queryForLong("rosemeta", "select count(*) from pg_extension where extname in "
                    + "('intarray', 'hstore', 'amcheck', 'pg_visibility', 'file_fdw')")).isEqualTo(5);
            assertThat(cluster.queryForLong("rosemeta", "select count(*) from pg_roles where rolname in "
                    + "('alation', 'alation_db_user', 'alation_db', 'datadog') and rolcanlogin and not rolsuper")).isEqualTo(4);
            assertThat(cluster.queryForLong("rosemeta", "select count(*) from pg_database where datname in ('rosemeta', 'lineage') "
                    + "and pg_get_userbyid(datdba) = 'alation'")).isEqualTo(2);
            assertThat(cluster.queryForLong("rosemeta", "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where n.nspname in ('public', 'alation_ext') and c.relkind in ('r', 'v', 'S') "
                    + "and pg_get_userbyid(c.relowner) <> 'alation'")).isZero();
            assertThat(cluster.queryForLong("rosemeta", "select count(*) from pg_foreign_table")).isEqualTo(1);
            assertThat(cluster.queryForLong("rosemeta", "select has_table_privilege('alation_db', 'rosemeta_table', 'SELECT')::int "
                    + "+ (not has_table_privilege('alation_db', 'rosemeta_table', 'INSERT'))::int "
                    + "+ has_table_privilege('alation_db_user', 'rosemeta_table', 'INSERT')::int "
                    + "+ pg_has_role('datadog', 'pg_monitor', 'MEMBER')::int")).isEqualTo(4);
            assertThat(cluster.queryForLong("rosemeta", "select count(*) from rosemeta_table where related_ids @@ '7'::query_int "
                    + "or tags -> 'tier' = 'gold'")).isPositive();
        }
    }

    @Test
    void aMajorThatCannotBeHadIsNamedWithWhatToInstall() {
        assertThatThrownBy(() -> PostgresCluster.builder("kit-11").version(11).start())
                .hasMessageContaining("PostgreSQL 11 server binaries are missing")
                .hasMessageContaining("/usr/lib/postgresql/11");
    }
}
