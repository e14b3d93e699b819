package io.catalogmigration.cli;

import io.catalogmigration.common.contract.LineageCommand;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.ValidateLineage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.UUID;

@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Lineage V2 -> V3: start the migration, reset its pointer, or validate the counts.",
        subcommands = {LineageCli.Start.class, LineageCli.ResetPointer.class, LineageCli.Validate.class})
final class LineageCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: start, reset-pointer or validate");
    }

    abstract static class LineagePublish extends PublishCommand {
        @Override
        String topic() {
            return Topics.LINEAGE_COMMAND;
        }

        @Override
        Class<? extends MigrationCommand> family() {
            return LineageCommand.class;
        }
    }

    abstract static class BothEnds extends LineagePublish {
        @Mixin
        Servers.Source source;
        @Mixin
        Servers.Target target;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish StartLineageMigration: links of object_lineage_link (source, rosemeta) to edges (target, lineage).")
    static final class Start extends BothEnds {
        @Option(names = "--links-per-message", paramLabel = "N", description = "links per Kafka message (default: the service's, 100)")
        Integer linksPerMessage;

        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            if (linksPerMessage != null && linksPerMessage < 1) throw usage("--links-per-message must be at least 1");
            return new StartLineageMigration(commandId, migrationId, issuedAt, source.endpoint(spec, "rosemeta"),
                    target.endpoint(spec, "lineage"), linksPerMessage);
        }
    }

    @Command(name = "reset-pointer", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish ResetLineagePointer: set the migration pointer back to 0 to run again from the start.")
    static final class ResetPointer extends LineagePublish {
        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new ResetLineagePointer(commandId, migrationId, issuedAt);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publish ValidateLineage: compare distinct links in the source with lineage edges in the target.")
    static final class Validate extends BothEnds {
        @Override
        MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
            return new ValidateLineage(commandId, migrationId, issuedAt, source.endpoint(spec, "rosemeta"),
                    target.endpoint(spec, "lineage"));
        }
    }
}
