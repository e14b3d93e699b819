package io.catalogmigration.cli;

import io.catalogmigration.common.contract.BackUpSource;
import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PrepareSource;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.StartReplication;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = "Native logical replication: back up the source, prepare it, start one database, check it, or reset the target.",
        subcommands = {ReplicateCli.Backup.class, ReplicateCli.Prepare.class, ReplicateCli.Start.class, ReplicateCli.Check.class, ReplicateCli.Reset.class})
final class ReplicateCli implements Runnable {

    static final List<String> DATABASES = List.of("rosemeta", "lineage");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: prepare, start, check or reset");
    }

    abstract static class ReplicatePublish extends PublishCommand {
        @Override
        String topic() {
            return Topics.REPLICATE_COMMAND;
        }

        @Override
        Class<? extends MigrationCommand> family() {
            return ReplicateCommand.class;
        }
    }

    /** start, check and reset concern one database: the source's administrator on it, the target's on its maintenance database. */
    abstract static class OneDatabase extends ReplicatePublish {
        @Mixin
        Servers.SourceServer source;

        @Mixin
        Servers.Target target;

        @Option(names = "--database", required = true, paramLabel = "DB",
                description = "the replicated database (same name on both servers), e.g. rosemeta or lineage")
        String database;

        PgEndpoint sourceEndpoint() {
            if (database.isBlank()) throw usage("--database must not be blank");
            return source.endpointOn(spec, database);
        }

        PgEndpoint targetEndpoint() {
            return target.endpoint(spec, "postgres");
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish BackUpSource: before anything changes, the replicator takes a base backup of the source server "
                    + "(pg_basebackup, checked with pg_verifybackup) or its hook takes or finds one; SourceBackedUp says where.")
    static final class Backup extends ReplicatePublish {
        @Mixin
        Servers.Source source;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new BackUpSource(commandId, migrationId, issuedAt, source.endpoint(spec, "postgres"));
        }
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish PrepareSource: check (and where possible set) what logical replication needs on the source.")
    static final class Prepare extends ReplicatePublish {
        @Mixin
        Servers.Source source;

        @Option(names = "--database", paramLabel = "DB", description = "a database to replicate; repeat for several (default: rosemeta and lineage)")
        List<String> databases = new ArrayList<>();

        @Option(names = "--target-address", required = true, paramLabel = "IP",
                description = "the IP address the target connects from (checked against pg_hba.conf)")
        String targetAddress;

        @Option(names = "--replication-user", paramLabel = "ROLE", defaultValue = "replicator",
                description = "the role the target logs in as; created LOGIN REPLICATION when missing (default: ${DEFAULT-VALUE})")
        String replicationUser;

        @Option(names = "--replication-password-ref", required = true, paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "that role's password: " + SecretRef.FORMS)
        String replicationPasswordRef;

        @Option(names = "--planned-workers", paramLabel = "N",
                description = "replication connections planned (default: one per database plus sync workers)")
        Integer plannedWorkers;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            if (plannedWorkers != null && plannedWorkers < 1) throw usage("--planned-workers must be at least 1");
            if (targetAddress.isBlank()) throw usage("--target-address must not be blank");
            return new PrepareSource(commandId, migrationId, issuedAt, source.endpoint(spec, "postgres"),
                    databases.isEmpty() ? DATABASES : databases, targetAddress, replicationUser, replicationPasswordRef,
                    plannedWorkers);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish StartReplication: copy one database's schema (indexes deferred) to the target and replicate "
                    + "its rows; sending it again continues where it stopped.")
    static final class Start extends OneDatabase {
        @Option(names = "--replication-host", paramLabel = "HOST", description = "source host as the target reaches it (default: --source-host)")
        String replicationHost;

        @Option(names = "--replication-port", paramLabel = "PORT", description = "source port as the target reaches it (default: --source-port)")
        Integer replicationPort;

        @Option(names = "--replication-user", paramLabel = "ROLE", defaultValue = "replicator",
                description = "the role the target logs in as (default: ${DEFAULT-VALUE})")
        String replicationUser;

        @Option(names = "--replication-sslmode", paramLabel = "MODE",
                description = "sslmode of the target's connection to the source (default: --source-sslmode)")
        String replicationSslmode;

        @Option(names = "--replication-password-ref", required = true, paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "the replication role's password: " + SecretRef.FORMS)
        String replicationPasswordRef;

        @Option(names = "--role-password-ref", paramLabel = "ROLE=REF", converter = RolePasswordRef.Converter.class,
                description = "password reference of a role to create on the target; repeat for several (a role without one is created NOLOGIN)")
        List<RolePasswordRef> rolePasswordRefs = new ArrayList<>();

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            PgEndpoint source = sourceEndpoint();
            var replication = new PgEndpoint(replicationHost != null ? replicationHost : source.host(),
                    replicationPort != null ? replicationPort : source.port(), database, replicationUser,
                    replicationSslmode != null ? replicationSslmode : source.sslmode(), replicationPasswordRef);
            if (!replication.problems().isEmpty()) {
                throw usage("Invalid replication endpoint: " + String.join("; ", replication.problems()));
            }
            return new StartReplication(commandId, migrationId, issuedAt, source, targetEndpoint(), replication,
                    RolePasswordRef.toMap(spec, rolePasswordRefs));
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish CheckReplication: each table's sync state, the lag and the answer NEED_TO_WAIT or "
                    + "STOP_WAITING; once every table is ready it builds the deferred indexes and constraints.")
    static final class Check extends OneDatabase {
        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new CheckReplication(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint());
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish ResetReplication: drop the subscription, its slot and the target database; the source keeps "
                    + "its data and settings. Requires --confirm <migration id>.")
    static final class Reset extends OneDatabase {
        @Mixin
        Confirmation confirmation;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            String confirmed = confirmation.confirmed(spec, migrationId, "drops the target database " + database);
            return new ResetReplication(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), confirmed);
        }
    }
}
