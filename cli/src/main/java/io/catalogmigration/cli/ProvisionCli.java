package io.catalogmigration.cli;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.UUID;

@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Size (plan), create, delete or snapshot the target: PlanTarget, ProvisionTarget, DeprovisionTarget, "
                + "SnapshotTarget.",
        subcommands = {ProvisionCli.Plan.class, ProvisionCli.Create.class, ProvisionCli.Delete.class,
                ProvisionCli.Snapshot.class})
final class ProvisionCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: plan, create or delete");
    }

    abstract static class ProvisionPublish extends PublishCommand {
        @Override
        String topic() {
            return Topics.PROVISION_COMMAND;
        }

        @Override
        Class<? extends MigrationCommand> family() {
            return ProvisionCommand.class;
        }

        void checkProvider(String provider) {
            if (provider != null && !provider.equals(ProvisionCommand.AWS) && !provider.equals(ProvisionCommand.LOCAL)) {
                throw usage("--provider must be aws or local, not '" + provider + "'");
            }
        }

        /** The local provider's target server (as its administrator), or null when no --target-* flag was given. */
        PgEndpoint optionalTarget(Servers.Target target) {
            return target.given() ? target.endpoint(spec, "postgres") : null;
        }
    }

    abstract static class Sizing extends ProvisionPublish {
        @Mixin
        Servers.Source source;

        @Option(names = "--object-count", paramLabel = "N", description = "the catalog's object count (default: estimated from the source)")
        Long objectCount;

        @Option(names = "--concurrent-users", paramLabel = "N", description = "peak concurrent users (default: the service's)")
        Integer concurrentUsers;

        @Option(names = "--source-cpu-count", paramLabel = "N", description = "CPUs of the source host (default: the service's)")
        Integer sourceCpuCount;

        PgEndpoint sourceEndpoint() {
            if (objectCount != null && objectCount < 0) throw usage("--object-count must not be negative");
            if (concurrentUsers != null && concurrentUsers < 1) throw usage("--concurrent-users must be at least 1");
            if (sourceCpuCount != null && sourceCpuCount < 1) throw usage("--source-cpu-count must be at least 1");
            return source.endpoint(spec, "rosemeta");
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish PlanTarget: measure the source and size the target; nothing is created.")
    static final class Plan extends Sizing {
        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new PlanTarget(commandId, migrationId, issuedAt, sourceEndpoint(), objectCount, concurrentUsers, sourceCpuCount);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish ProvisionTarget: size the target, then create it (adopting what an earlier attempt created).")
    static final class Create extends Sizing {
        @Option(names = "--provider", paramLabel = "aws|local", description = "default: the service's configured provider")
        String provider;
        @Option(names = "--region", paramLabel = "REGION", description = "aws: region of the source instance, e.g. us-east-1")
        String region;
        @Option(names = "--source-instance-id", paramLabel = "ID", description = "aws: EC2 instance the catalog runs on")
        String sourceInstanceId;
        @Option(names = "--db-instance-identifier", paramLabel = "ID", description = "aws: RDS identifier (default: catalog-<migrationId>)")
        String dbInstanceIdentifier;
        @Option(names = "--engine-version", paramLabel = "VERSION", description = "aws: PostgreSQL version (default: the source's major)")
        String engineVersion;
        @Mixin
        Servers.Target target;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            checkProvider(provider);
            return new ProvisionTarget(commandId, migrationId, issuedAt, sourceEndpoint(), provider, objectCount,
                    concurrentUsers, sourceCpuCount, region, sourceInstanceId, dbInstanceIdentifier, engineVersion,
                    optionalTarget(target));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish DeprovisionTarget: remove what this migration created, and only that. Requires --confirm.")
    static final class Delete extends ProvisionPublish {
        @Option(names = "--provider", paramLabel = "aws|local", description = "default: the service's configured provider")
        String provider;
        @Option(names = "--region", paramLabel = "REGION", description = "aws: the region the instance is in")
        String region;
        @Option(names = "--db-instance-identifier", paramLabel = "ID", description = "aws: the RDS identifier to delete, named explicitly")
        String dbInstanceIdentifier;
        @Option(names = "--skip-final-snapshot", description = "aws: delete without a final snapshot (default: keep one)")
        boolean skipFinalSnapshot;
        @Option(names = "--confirm", description = "required: deleting a database is not undone by another command")
        boolean confirm;
        @Mixin
        Servers.Target target;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            if (!confirm) {
                throw usage("provision delete removes the target database; add --confirm to mean it");
            }
            checkProvider(provider);
            return new DeprovisionTarget(commandId, migrationId, issuedAt, provider, region, dbInstanceIdentifier,
                    optionalTarget(target), true, skipFinalSnapshot ? Boolean.TRUE : null);
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish SnapshotTarget: the first snapshot of the new target after the cutover (aws: an RDS DB "
                    + "snapshot, waited for until available; local: pg_dump of each database). TargetSnapshotTaken names it.")
    static final class Snapshot extends ProvisionPublish {
        @Option(names = "--provider", paramLabel = "aws|local", description = "default: the service's configured provider")
        String provider;
        @Option(names = "--region", paramLabel = "REGION", description = "aws: the region the instance is in")
        String region;
        @Option(names = "--db-instance-identifier", paramLabel = "ID", description = "aws: the RDS instance to snapshot")
        String dbInstanceIdentifier;
        @Mixin
        Servers.Target target;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            checkProvider(provider);
            return new SnapshotTarget(commandId, migrationId, issuedAt, provider, region, dbInstanceIdentifier,
                    optionalTarget(target));
        }
    }
}
