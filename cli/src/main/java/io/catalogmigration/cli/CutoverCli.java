package io.catalogmigration.cli;

import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Switch the application to the target: preflight checks, the cutover, the replication back to the "
                + "source (fallback) and its end (finish), a rollback, or a reset.",
        subcommands = {CutoverCli.Preflight.class, CutoverCli.Run.class, CutoverCli.Fallback.class, CutoverCli.Finish.class,
                CutoverCli.Rollback.class, CutoverCli.Reset.class})
final class CutoverCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: preflight, run, fallback, finish, rollback or reset");
    }

    /** Every cutover command: both servers' administrators on their maintenance databases, and the replicated databases. */
    abstract static class CutoverPublish extends PublishCommand {
        @Mixin
        Servers.Source source;

        @Mixin
        Servers.Target target;

        @Option(names = "--database", paramLabel = "DB",
                description = "a replicated database; repeat for several (default: rosemeta and lineage)")
        List<String> databases = new ArrayList<>();

        @Override
        String topic() {
            return Topics.CUTOVER_COMMAND;
        }

        @Override
        Class<? extends MigrationCommand> family() {
            return CutoverCommand.class;
        }

        PgEndpoint sourceEndpoint() {
            return source.endpoint(spec, "postgres");
        }

        PgEndpoint targetEndpoint() {
            return target.endpoint(spec, "postgres");
        }

        List<String> databaseNames() {
            return databases.isEmpty() ? ReplicateCli.DATABASES : databases;
        }

        PgEndpoint fallbackEndpoint(FallbackOptions fallback) {
            try {
                return fallback.endpoint(targetEndpoint());
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
    }

    /**
     * Commands that stop writes or drop databases: the operator repeats the migration id, so a command copied from
     * another migration's notes cannot act on this one.
     */
    abstract static class Confirmed extends CutoverPublish {
        @Mixin
        Confirmation confirmation;

        abstract String consequence();

        String confirmed(String migrationId) {
            return confirmation.confirmed(spec, migrationId, consequence());
        }
    }

    /** What the operator accepts to leave behind on the source, as the preflight's inventory names it. */
    static final class AcceptedLosses {
        @Option(names = "--accept-loss", paramLabel = "OBJECT",
                description = "an object of the source to leave behind, as the preflight's inventory names it, e.g. "
                        + "'foreign table public.import_log'; repeat for several (anything else missing on the target fails)")
        List<String> acceptedLosses = new ArrayList<>();
    }

    @Command(name = "preflight", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish RunPreflight: check, changing nothing, that the target can take over (caught up, indexes "
                    + "built, lag small, every row verified, every object there or accepted as lost, the application able "
                    + "to log in, switcher usable). Answered by PreflightPassed or CutoverFailed.")
    static final class Preflight extends CutoverPublish {
        @Option(names = "--application-user", paramLabel = "ROLE",
                description = "the role the application will log in as on the target: the preflight logs in as it and reads "
                        + "every table (with --application-password-ref)")
        String applicationUser;

        @Option(names = "--application-password-ref", paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "that role's password reference, as the cutover will write it: " + SecretRef.FORMS)
        String applicationPasswordRef;

        @Mixin
        AcceptedLosses losses;

        @Mixin
        FallbackOptions fallback;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            if ((applicationUser == null) != (applicationPasswordRef == null)) {
                throw usage("--application-user and --application-password-ref go together; nothing was sent");
            }
            return new RunPreflight(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames(),
                    applicationUser, applicationPasswordRef, losses.acceptedLosses, fallbackEndpoint(fallback));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish StartCutover: fence every writer of the source, wait for the target, copy sequences, verify "
                    + "every table, set up the replication back to the source, switch the application to the target, start "
                    + "it and confirm it works there. Requires --confirm <migration id>.")
    static final class Run extends Confirmed {
        @Mixin
        FallbackOptions fallback;

        @Option(names = "--application-user", required = true, paramLabel = "ROLE",
                description = "the role the application logs in as on the target")
        String applicationUser;

        @Option(names = "--application-password-ref", required = true, paramLabel = "REF", converter = SecretRef.Converter.class,
                description = "that role's password (the switcher writes the reference, never the password): " + SecretRef.FORMS)
        String applicationPasswordRef;

        @Option(names = "--application-sslmode", paramLabel = "MODE",
                description = "sslmode the application uses on the target (default: the target endpoint's)")
        String applicationSslmode;

        @Option(names = "--max-write-downtime", paramLabel = "SECONDS",
                description = "hard limit on the window for this cutover, 1-3600 (default: the service's "
                        + "cutover.max-write-downtime, 30 s); reached before the switch, the cutover aborts by itself")
        Integer maxWriteDowntimeSeconds;

        @Mixin
        AcceptedLosses losses;

        @Override
        String consequence() {
            return "stops the application's writes";
        }

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            String confirmed = confirmed(migrationId);
            return new StartCutover(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames(),
                    applicationUser, applicationPasswordRef, applicationSslmode, confirmed, maxWriteDowntimeSeconds,
                    fallbackEndpoint(fallback), losses.acceptedLosses);
        }
    }

    @Command(name = "fallback", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish CheckFallback: after the switch, whether the source applies the application's writes on "
                    + "the target, per database, and how far behind it is. Answered by FallbackReported. Changes nothing.")
    static final class Fallback extends CutoverPublish {
        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new CheckFallback(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames());
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish FinishCutover: once the application works on the target, drop the replication back to "
                    + "the source and leave the source fenced (or run the service's finish hook). No rollback is possible "
                    + "afterwards. Requires --confirm.")
    static final class Finish extends Confirmed {
        @Override
        String consequence() {
            return "ends the fallback: no rollback is possible afterwards";
        }

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            String confirmed = confirmed(migrationId);
            return new FinishCutover(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames(),
                    confirmed);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish RollBackCutover: fence the target, wait until the source has applied every write made "
                    + "there since the switch, copy the sequences back, restore the application's previous settings and make "
                    + "the source writable. Requires --confirm.")
    static final class Rollback extends Confirmed {
        @Override
        String consequence() {
            return "switches the application back to the source";
        }

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            String confirmed = confirmed(migrationId);
            return new RollBackCutover(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames(),
                    confirmed);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish ResetCutover: restore switched settings, make the source writable and have the replicator "
                    + "drop each database's subscription, slot and target database. Requires --confirm.")
    static final class Reset extends Confirmed {
        @Override
        String consequence() {
            return "drops the target databases";
        }

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            String confirmed = confirmed(migrationId);
            return new ResetCutover(commandId, migrationId, issuedAt, sourceEndpoint(), targetEndpoint(), databaseNames(),
                    confirmed);
        }
    }
}
