package io.catalogmigration.testkit.architecture.sample.common.contract;

/** The sample's root of the command family. */
public interface MigrationCommand {
}
