package io.catalogmigration.cli;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.ScanCommand;
import io.catalogmigration.common.contract.ScanMethod;
import io.catalogmigration.common.contract.ScanMode;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.contract.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publish StartScan: find corrupted rows (REPORT) and, with --mode REPAIR, delete exactly those.")
final class ScanCli extends PublishCommand {

    @Mixin
    Servers.Plain server;

    @Option(names = "--database", paramLabel = "DB", description = "database on that server; repeat for several (default: rosemeta and lineage)")
    List<String> databases = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", description = "REPORT (default) or REPAIR")
    ScanMode mode;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "table to scan; repeat for several; default: every user table")
    List<String> tables = new ArrayList<>();

    @Option(names = "--method", paramLabel = "METHOD", description = "AUTO (default), AMCHECK or READ_ROWS")
    ScanMethod method;

    @Option(names = "--parallelism", paramLabel = "N", description = "spread the scan over at least N work messages (default: the service's)")
    Integer parallelism;

    @Override
    String topic() {
        return Topics.SCAN_COMMAND;
    }

    @Override
    Class<? extends MigrationCommand> family() {
        return ScanCommand.class;
    }

    @Override
    MigrationCommand build(UUID commandId, String migrationId, Instant issuedAt) {
        if (parallelism != null && parallelism < 1) throw usage("--parallelism must be at least 1");
        List<String> names = databases.isEmpty() ? List.of("rosemeta", "lineage") : databases;
        List<PgEndpoint> endpoints = new ArrayList<>();
        for (String name : names) endpoints.add(server.endpointOn(spec, name));
        return new StartScan(commandId, migrationId, issuedAt, endpoints, mode, tables, parallelism, method);
    }
}
