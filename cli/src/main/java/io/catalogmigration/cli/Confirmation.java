package io.catalogmigration.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --confirm <migration id>} of the commands that stop writes or drop databases: the operator repeats the
 * migration id, so a command copied from another migration's notes cannot act on this one. The service checks it
 * again.
 */
final class Confirmation {

    @Option(names = "--confirm", paramLabel = "MIGRATION_ID", description = "required: repeat --migration-id to mean it")
    String confirm;

    /** @param consequence what the command does, e.g. "drops the target database" */
    String confirmed(CommandSpec spec, String migrationId, String consequence) {
        if (confirm == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), spec.qualifiedName() + " " + consequence
                    + "; add --confirm " + migrationId + " (the migration id again) to mean it");
        }
        if (!confirm.equals(migrationId)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--confirm must repeat --migration-id exactly: '"
                    + confirm + "' is not '" + migrationId + "'; nothing was sent");
        }
        return confirm;
    }
}
