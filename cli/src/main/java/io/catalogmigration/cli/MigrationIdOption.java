package io.catalogmigration.cli;

import io.catalogmigration.common.command.MigrationIds;
import picocli.CommandLine;

/** {@code --migration-id}, checked by the services' own rule ({@link MigrationIds}) before anything is sent. */
final class MigrationIdOption implements CommandLine.ITypeConverter<String> {

    @Override
    public String convert(String value) {
        var problem = MigrationIds.problem(value);
        if (problem.isPresent()) {
            throw new CommandLine.TypeConversionException(problem.get() + "; nothing was sent");
        }
        return value;
    }
}
