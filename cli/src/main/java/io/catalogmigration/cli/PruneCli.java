package io.catalogmigration.cli;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.PruneMode;
import io.catalogmigration.common.contract.StartPrune;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publish StartPrune: delete rows past retention from one database (DRY_RUN unless --mode PURGE).")
final class PruneCli extends PublishCommand {

    @Mixin
    Servers.Plain server;

    @Option(names = "--database", paramLabel = "DB", defaultValue = "rosemeta", description = "database to prune (default: ${DEFAULT-VALUE})")
    String database;

    @Option(names = "--group", paramLabel = "GROUP", description = "retention group (qli, metadata, metrics); repeat for several; default: all")
    List<String> groups = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", description = "DRY_RUN (default) or PURGE")
    PruneMode mode;

    @Option(names = "--batch-size", paramLabel = "N", description = "rows past retention per delete, 1 to 1000000 (default: the service's)")
    Integer batchSize;

    @Override
    String topic() {
        return Topics.PRUNE_COMMAND;
    }

    @Override
    Class<? extends MigrationCommand> family() {
        return PruneCommand.class;
    }

    @Override
    MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
        if (batchSize != null && (batchSize < 1 || batchSize > 1_000_000)) {
            throw usage("--batch-size must be 1 to 1000000, not " + batchSize);
        }
        return new StartPrune(commandId, migrationId, issuedAt, server.endpointOn(spec, database), groups,
                mode == null ? PruneMode.DRY_RUN : mode, batchSize);
    }
}
