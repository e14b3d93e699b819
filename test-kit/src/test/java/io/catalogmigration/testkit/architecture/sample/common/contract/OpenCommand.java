package io.catalogmigration.testkit.architecture.sample.common.contract;

/** Breaks "commands under sealed interfaces": a family anyone may extend. */
public interface OpenCommand extends MigrationCommand {
}
