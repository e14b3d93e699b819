package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.ProvisionedResources;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.pg.AdministratorRoles;
import io.catalogmigration.common.pg.MigrationMarker;
import io.catalogmigration.common.pg.LibpqEnvironment;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.common.hook.HookRunner;
import io.catalogmigration.common.pg.ClientTools;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TargetGuard;
import io.catalogmigration.common.pg.Transactions;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.secret.SecretResolver;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The {@code local} provider: a PostgreSQL server stands in for RDS. The application role and the databases are
 * created on it (the role owns them, as on the runbook's RDS), each marked with a comment naming the migration,
 * which plays the part of the AWS tag: only marked objects are adopted or dropped.
 */
record LocalTarget(PgConnector connector, ProvisionerProperties settings, SecretResolver secrets) {

    static final int PROVISION_STEPS = 2;
    static final int DEPROVISION_STEPS = 3;
    static final int SNAPSHOT_STEPS = 2;

    TargetProvisioned provision(ProvisionTarget command, TargetPlan plan, RunSteps run) {
        PgEndpoint target = command.target();
        String user = settings.appUser();
        String marker = Ownership.localMarker(command.migrationId());
        Path secret = secretFile(command.migrationId());
        guard(command.source(), target, "create the target's role and databases");
        try (Connection connection = connector.connect(target)) {
            ensureRole(connection, user, marker, secret, run);
            // a non-superuser administrator (RDS's master user) may give the databases to the role only once it can
            // act as it
            AdministratorRoles.assume(connection, List.of(user));
            run.step("role", "role " + user + " can log in on " + target.host() + ":" + target.port()
                    + "; its password is in " + secret);
            for (String database : settings.databases()) {
                ensureDatabase(connection, database, user, marker, run);
            }
            run.step("databases", "databases " + settings.databases() + " exist, owned by " + user);
        } catch (AdministratorRoles.NotGrantable e) {
            throw MigrationProblem.withCode(e.getMessage(), "as a role holding ADMIN OPTION on " + user + " run on the target: "
                    + e.grant() + "; then send the command again with a new commandId: what exists is adopted", null);
        } catch (SQLException e) {
            throw failure("create the role and databases on", target, e);
        }
        return new TargetProvisioned(UUID.randomUUID(), command.migrationId(), Instant.now(), run.runId(), ProvisionCommand.LOCAL,
                target.host(), target.port(), settings.databases(), target.user(), target.passwordRef(), user, "file:" + secret,
                new ProvisionedResources(null, null, null, null, null, null, null, null), plan, run.notes());
    }

    private void ensureRole(Connection connection, String user, String marker, Path secret, RunSteps run) throws SQLException {
        var existing = roleMarking(connection, user);
        if (existing.isPresent()) {
            // marked by this migration, whichever service made it: the replicator creates the roles a target lacks,
            // NOLOGIN when it was given no password, but the application's role is this provider's to log in with
            requireMarked(existing.get(), marker, "role " + user);
            if (!Sql.exists(connection, "select 1 from pg_roles where rolname = ? and rolcanlogin", user)) {
                Sql.execute(connection, "alter role " + SqlIdentifier.quote(user) + " login");
                run.note("role " + user + " (marked for this migration, made by another step) could not log in: it can now");
            }
            if (Files.exists(secret)) {
                // set again from the file: if another step made the role (with a password of its own), the role
                // and the reference this provider reports still agree
                setPassword(connection, user, SecretFile.read(secret));
                run.resource("role " + user, true);
                return;
            }
            // Ours, but the password file is gone: the password is unknown to everyone, so a new one is set.
            String password = Passwords.generate();
            SecretFile.write(secret, password);
            setPassword(connection, user, password);
            run.resource("role " + user, true);
            run.note("the password file of role " + user + " was missing: a new password was set and written to " + secret);
            return;
        }
        // The file first: a crash after it leaves a file nobody uses, never a role whose password nobody knows.
        String password = Passwords.generate();
        SecretFile.write(secret, password);
        Transactions.inOne(connection, () -> {
            try (var statement = connection.createStatement()) {
                statement.execute("create role " + SqlIdentifier.quote(user) + " login");
                statement.execute("comment on role " + SqlIdentifier.quote(user) + " is " + literal(marker));
            }
            setPassword(connection, user, password);
            return null;
        });
        run.resource("role " + user, false);
    }

    /**
     * The driver hashes the password (SCRAM-SHA-256) before sending it, so the server, its logs and
     * pg_stat_activity only ever see the verifier. CREATE ROLE cannot bind a parameter; this needs none.
     */
    private static void setPassword(Connection connection, String user, String password) throws SQLException {
        connection.unwrap(PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
    }

    private void ensureDatabase(Connection connection, String database, String user, String marker, RunSteps run)
            throws SQLException {
        var existing = databaseMarking(connection, database);
        if (existing.isPresent()) {
            var found = existing.get();
            // A crash between CREATE DATABASE and its COMMENT leaves it unmarked but owned by our role: still ours.
            if (found.comment() == null && user.equals(found.owner())) {
                markDatabase(connection, database, marker);
            } else {
                requireMarked(found.comment() == null ? "" : found.comment(), marker, "database " + database);
            }
            run.resource("database " + database, true);
            return;
        }
        try (var statement = connection.createStatement()) {
            statement.execute("create database " + SqlIdentifier.quote(database) + " owner " + SqlIdentifier.quote(user));
        }
        markDatabase(connection, database, marker);
        run.resource("database " + database, false);
    }

    TargetDeprovisioned deprovision(DeprovisionTarget command, RunSteps run) {
        PgEndpoint target = command.target();
        String user = settings.appUser();
        String marker = Ownership.localMarker(command.migrationId());
        List<String> deleted = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        // No source endpoint here: the migration's publications tell the source's databases apart.
        guard(null, target, "drop databases " + settings.databases());
        try (Connection connection = connector.connect(target)) {
            for (String database : settings.databases()) {
                var found = databaseMarking(connection, database);
                if (found.isEmpty()) {
                    gone.add("database " + database);
                } else if (!marker.equals(found.get().comment())) {
                    kept.add("database " + database);
                } else {
                    drop(connection, database);
                    deleted.add("database " + database);
                }
            }
            run.step("databases", "databases handled: deleted " + deleted);
            var role = roleMarking(connection, user);
            if (role.isEmpty()) {
                gone.add("role " + user);
            } else if (!marker.equals(role.get())) {
                kept.add("role " + user);
            } else {
                try (var statement = connection.createStatement()) {
                    statement.execute("drop role " + SqlIdentifier.quote(user));
                }
                deleted.add("role " + user);
            }
            run.step("role", "role " + user + " handled");
        } catch (SQLException e) {
            throw failure("drop the role and databases on", target, e);
        }
        Path secret = secretFile(command.migrationId());
        try {
            (Files.deleteIfExists(secret) ? deleted : gone).add("secret file " + secret);
        } catch (IOException e) {
            run.note("could not delete " + secret + " (" + e.getClass().getSimpleName() + "): delete it by hand");
        }
        run.step("secret", "secret file " + secret + " handled");
        kept.forEach(k -> run.note("left alone, not marked for migration " + command.migrationId() + ": " + k));
        return new TargetDeprovisioned(UUID.randomUUID(), command.migrationId(), Instant.now(), run.runId(),
                ProvisionCommand.LOCAL, List.copyOf(deleted), List.copyOf(gone), List.copyOf(kept), null);
    }

    /**
     * SnapshotTarget on a local server: one {@code pg_dump -Fc} per database of this migration into a new directory,
     * written as {@code <name>.partial} and renamed when every dump is complete, so a directory without the suffix is
     * always a whole snapshot (and a restarted run finds it). pg_dump reads servers up to its own major only.
     */
    TargetSnapshotTaken snapshot(SnapshotTarget command, RunSteps run) {
        PgEndpoint target = command.target();
        String marker = Ownership.localMarker(command.migrationId());
        // migration ids are plain already (CommandCheck): letters, digits, ".", "_", "-"
        String name = command.migrationId() + "-cutover-" + command.commandId().toString().substring(0, 8);
        Path directory = settings.local().snapshotDirectory().toAbsolutePath().resolve(name);
        Path bin = ClientTools.locate(settings.local().binDirectory());
        try (Connection connection = connector.connect(target)) {
            int server = Integer.parseInt(Sql.one(connection, "show server_version_num")) / 10_000;
            int client = ClientTools.major(bin, "pg_dump");
            if (client < server) {
                throw MigrationProblem.withCode("pg_dump " + (client == 0 ? "(not found in " + bin + ")" : client)
                        + " cannot dump the PostgreSQL " + server + " server " + target.describe()
                        + ": pg_dump reads servers up to its own major only",
                        "install the PostgreSQL " + server + " client tools (or newer) and set provisioner.local.bin-directory "
                                + "to their bin directory, then send SnapshotTarget again with a new commandId", null);
            }
            for (String database : settings.databases()) {
                var found = databaseMarking(connection, database);
                if (found.isEmpty() || !marker.equals(found.get().comment())) {
                    throw MigrationProblem.withCode("database " + database + " on " + target.describe() + " is "
                            + (found.isEmpty() ? "missing" : "not marked as migration " + command.migrationId() + "'s"),
                            "check the target endpoint and the migration id, then send SnapshotTarget again with a new "
                                    + "commandId", null);
                }
            }
        } catch (SQLException e) {
            throw failure("read the databases of", target, e);
        }
        run.step("checked", "databases " + settings.databases() + " on " + target.describe() + " are this migration's");
        if (Files.isDirectory(directory)) {
            run.resource("snapshot " + directory, true);
        } else {
            dump(command, target, bin, directory, run);
            run.resource("snapshot " + directory, false);
        }
        run.step("dumped", "snapshot " + name + " of " + settings.databases() + " in " + directory);
        return new TargetSnapshotTaken(UUID.randomUUID(), command.migrationId(), Instant.now(), run.runId(),
                ProvisionCommand.LOCAL, name, null, directory.toString(), run.notes());
    }

    private void dump(SnapshotTarget command, PgEndpoint target, Path bin, Path directory, RunSteps run) {
        Path partial = directory.resolveSibling(directory.getFileName() + ".partial");
        var runner = new HookRunner(settings.local().dumpTimeout(), "provisioner.local.dump-timeout", "program");
        try {
            deleteTree(partial);
            Files.createDirectories(partial);
            for (String database : settings.databases()) {
                Path file = partial.resolve(database + ".dump");
                // the login as PG* variables only: no name on the command line
                Map<String, String> login = new java.util.HashMap<>();
                LibpqEnvironment.apply(login, target.withDatabase(database), secrets, "catalog-migration-provisioner");
                runner.run("pg_dump of " + database, List.of(bin.resolve("pg_dump").toString(), "--format=custom",
                        "--no-password", "--file=" + file), login);
                run.note("pg_dump of " + database + ": " + Files.size(file) + " bytes in " + file.getFileName());
            }
            Files.move(partial, directory, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (HookRunner.HookFailed e) {
            throw MigrationProblem.withCode(e.getMessage(), "fix what pg_dump says (the administrator must be able to read "
                    + "every table), then send SnapshotTarget again with a new commandId", null);
        } catch (IOException e) {
            throw MigrationProblem.withCode("cannot write the snapshot into " + partial + ": " + e.getMessage(),
                    "make provisioner.local.snapshot-directory writable by the provisioner, with room for the dumps, then "
                            + "send SnapshotTarget again with a new commandId", null);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The one look before the target is changed: it must not be the source (see TargetGuard). */
    private void guard(PgEndpoint source, PgEndpoint target, String doing) {
        try {
            TargetGuard.requireNotSource(connector, source, target, settings.databases(), doing);
        } catch (TargetGuard.TargetIsSource e) {
            throw MigrationProblem.withCode(e.reason(), e.action(), null);
        } catch (SQLException e) {
            throw failure("check the identity of", target, e);
        }
    }

    /** As the runbook's reset: end the sessions that would block the drop, then drop. */
    private static void drop(Connection connection, String database) throws SQLException {
        try (var ps = connection.prepareStatement(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            ps.setString(1, database);
            ps.execute();
        }
        try (var statement = connection.createStatement()) {
            statement.execute("drop database if exists " + SqlIdentifier.quote(database) + " with (force)");
        }
    }

    Path secretFile(String migrationId) {
        return settings.local().secretDirectory().toAbsolutePath().resolve(migrationId + "-" + settings.appUser() + ".password");
    }

    private record Marking(String owner, String comment) {
    }

    private static Optional<Marking> databaseMarking(Connection connection, String database) throws SQLException {
        try (var ps = connection.prepareStatement("""
                select pg_get_userbyid(datdba), shobj_description(oid, 'pg_database') from pg_database where datname = ?""")) {
            ps.setString(1, database);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Marking(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The role's comment ("" when it has none), or empty when there is no such role. */
    private static Optional<String> roleMarking(Connection connection, String role) throws SQLException {
        try (var ps = connection.prepareStatement("select shobj_description(oid, 'pg_authid') from pg_roles where rolname = ?")) {
            ps.setString(1, role);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1) == null ? "" : rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void markDatabase(Connection connection, String database, String marker) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("comment on database " + SqlIdentifier.quote(database) + " is " + literal(marker));
        }
    }

    private static void requireMarked(String comment, String marker, String what) {
        if (!marker.equals(comment)) {
            throw MigrationProblem.withCode(what + " already exists on the target and is not marked as this migration's (its comment is '"
                    + comment + "')", "use a fresh target server, or drop " + what + " if you know it is a leftover, then send "
                    + "the command again with a new commandId", null);
        }
    }

    /** COMMENT cannot bind parameters: an escape-string literal, whatever standard_conforming_strings says. */
    static String literal(String value) {
        return MigrationMarker.literal(value);
    }

    private static MigrationProblem failure(String doing, PgEndpoint target, SQLException e) {
        return MigrationProblem.withCode("cannot " + doing + " " + target.describe() + ": " + e.getMessage() + " (SQLSTATE "
                + e.getSQLState() + ")", "check that the target is reachable and that " + target.user()
                + " may create roles and databases (CREATEROLE, CREATEDB or superuser), then send the command again with a "
                + "new commandId: what exists is adopted", null);
    }
}
