package io.catalogmigration.cli;

import io.catalogmigration.common.contract.CancelPrune;
import io.catalogmigration.common.contract.CancelScan;
import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PruneCommand;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.UUID;

@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish CancelPrune or CancelScan: stop an unfinished run of the migration and free what it holds.",
                "The run ends with its *Failed outcome (what it did stays done); this command's outcome is RunCancelled."})
final class CancelCli extends PublishCommand {

    /** The services whose runs an operator can stop. */
    enum Service { prune, scan }

    @Option(names = "--service", required = true, paramLabel = "SERVICE", description = "the run's service: ${COMPLETION-CANDIDATES}")
    Service service;

    @Option(names = "--run-id", required = true, paramLabel = "UUID", description = "the run to stop: the commandId of its "
            + "StartPrune or StartScan, as a refusal or the progress topic names it")
    UUID runId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, kept in the run's outcome")
    String reason;

    @Override
    String topic() {
        return service == Service.prune ? Topics.PRUNE_COMMAND : Topics.SCAN_COMMAND;
    }

    @Override
    Class<? extends MigrationCommand> family() {
        return service == Service.prune ? PruneCommand.class : ScanCommand.class;
    }

    @Override
    MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
        return service == Service.prune ? new CancelPrune(commandId, migrationId, issuedAt, runId, reason)
                : new CancelScan(commandId, migrationId, issuedAt, runId, reason);
    }
}
