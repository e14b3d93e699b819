package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.pg.MigrationMarker;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local provider against a real second PostgreSQL server standing in for RDS. */
class LocalProvisioningTest extends ProvisionerTestBase {

    @Test
    void provisioningCreatesTheRoleAndDatabasesAndAPasswordFileOnlyTheServiceCanReadThenDeprovisioningRemovesThem()
            throws Exception {
        String migration = newMigration();
        int awsCalls = parts.aws.calls().size();

        TargetProvisioned outcome = send(localTarget(migration));

        assertThat(outcome.provider()).isEqualTo("local");
        assertThat(outcome.host()).isEqualTo(parts.target.host());
        assertThat(outcome.port()).isEqualTo(parts.target.port());
        assertThat(outcome.databases()).containsExactly("rosemeta", "lineage");
        assertThat(outcome.appUser()).isEqualTo("alation");
        Path file = Path.of(outcome.appUserSecretRef().substring("file:".length()));
        assertThat(file).startsWith(parts.secretDirectory);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String password = Files.readString(file);
        assertThat(password).hasSize(32);
        for (String database : outcome.databases()) {
            assertThat(owner(database)).isEqualTo("alation");
            try (Connection app = connectAsApp(database, password)) {
                assertThat(app.isValid(2)).isTrue();
            }
        }
        assertThat(parts.aws.callsSince(awsCalls)).as("the local provider never calls AWS").isEmpty();
        assertNoneCrossedTheBroker(password, parts.target.password(), parts.target.adminPassword(),
                parts.source.password());
        assertNotInTheLedger(password);

        TargetProvisioned again = send(localTarget(migration));

        assertThat(Files.readString(file)).as("an adopted role keeps its password").isEqualTo(password);
        assertThat(again.notes()).anyMatch(n -> n.contains("adopted role alation"))
                .anyMatch(n -> n.contains("adopted database rosemeta")).anyMatch(n -> n.contains("adopted database lineage"));

        try (Connection session = connectAsApp("rosemeta", password)) {
            TargetDeprovisioned removed = send(deprovisionLocal(migration));

            assertThat(removed.deleted()).containsExactly("database rosemeta", "database lineage", "role alation",
                    "secret file " + file);
            assertThat(session.isValid(2)).as("the session was ended so the database could be dropped").isFalse();
        }
        assertThat(parts.target.queryForLong("postgres",
                "select count(*) from pg_database where datname in ('rosemeta', 'lineage')")).isZero();
        assertThat(parts.target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'alation'")).isZero();
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> connectAsApp("postgres", password)).isInstanceOf(SQLException.class);
    }

    @Test
    void aRoleThatIsNotTheMigrationsStopsTheRunAndIsLeftAsItWas() {
        parts.target.execute("postgres", "create role alation login");
        try {
            ProvisionFailed outcome = send(localTarget(newMigration()));

            assertThat(outcome.reason()).contains("role alation already exists on the target and is not marked as this migration's");
            assertThat(outcome.provider()).isEqualTo("local");
            assertThat(parts.target.queryForLong("postgres",
                    "select count(*) from pg_database where datname in ('rosemeta', 'lineage')")).isZero();
        } finally {
            parts.target.execute("postgres", "drop role alation");
        }
    }

    @Test
    void aRoleTheReplicatorCreatedForThisMigrationIsAdoptedAndCanLogInWithTheReportedPassword() throws Exception {
        String migration = newMigration();
        // what the replicator leaves when it made the role first (as the target's administrator), without a password
        try (Connection admin = parts.target.connectAsAdmin("postgres"); var statement = admin.createStatement()) {
            statement.execute("create role alation nologin");
            statement.execute("comment on role alation is " + MigrationMarker.literal(MigrationMarker.of(migration)));
        }
        try {
            TargetProvisioned outcome = send(localTarget(migration));

            assertThat(outcome.notes()).anyMatch(n -> n.contains("adopted role alation"));
            String password = Files.readString(Path.of(outcome.appUserSecretRef().substring("file:".length())));
            for (String database : outcome.databases()) {
                assertThat(owner(database)).isEqualTo("alation");
                try (Connection app = connectAsApp(database, password)) {
                    assertThat(app.isValid(2)).isTrue();
                }
            }
        } finally {
            send(deprovisionLocal(migration));
        }
        assertThat(parts.target.queryForLong("postgres", "select count(*) from pg_roles where rolname = 'alation'")).isZero();
    }

    @Test
    void aRoleMarkedForAnotherMigrationStopsTheRun() {
        parts.target.execute("postgres", "drop role if exists alation", "create role alation login",
                "comment on role alation is " + MigrationMarker.literal(MigrationMarker.of("another-migration")));
        try {
            ProvisionFailed outcome = send(localTarget(newMigration()));

            assertThat(outcome.reason()).contains("role alation already exists on the target and is not marked as this "
                    + "migration's", "another-migration");
        } finally {
            parts.target.execute("postgres", "drop role alation");
        }
    }

    @Test
    void aMissingPasswordFileOfTheMigrationsRoleGetsANewPassword() throws Exception {
        String migration = newMigration();
        TargetProvisioned first = send(localTarget(migration));
        Path file = Path.of(first.appUserSecretRef().substring("file:".length()));
        String old = Files.readString(file);
        Files.delete(file);
        try {
            TargetProvisioned second = send(localTarget(migration));

            String renewed = Files.readString(file);
            assertThat(renewed).isNotEqualTo(old);
            assertThat(second.notes()).anyMatch(n -> n.contains("password file of role alation was missing"));
            try (Connection app = connectAsApp("lineage", renewed)) {
                assertThat(app.isValid(2)).isTrue();
            }
            assertThatThrownBy(() -> connectAsApp("lineage", old)).isInstanceOf(SQLException.class);
        } finally {
            send(deprovisionLocal(migration));
        }
    }

    private static String owner(String database) throws SQLException {
        try (Connection c = parts.target.connect("postgres");
             var ps = c.prepareStatement("select pg_get_userbyid(datdba) from pg_database where datname = ?")) {
            ps.setString(1, database);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static Connection connectAsApp(String database, String password) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", "alation");
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        return DriverManager.getConnection(parts.target.jdbcUrl(database), properties);
    }
}
