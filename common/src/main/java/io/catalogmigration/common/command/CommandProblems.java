package io.catalogmigration.common.command;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.PgEndpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with a command, collected before anything is touched, written the same way by every service: the
 * migration id first ({@link MigrationIds}), then each endpoint as {@code "<field> is missing: <what it is>"} or
 * {@code "<field>: <its problem>"} ({@link PgEndpoint#problems}), then the service's own rules. Empty when the command
 * can be carried out. Secret references are the ledger's to refuse, before the run opens.
 */
public final class CommandProblems {

    private final List<String> problems = new ArrayList<>();

    private CommandProblems() {
    }

    /** Starts with the command's migration id. */
    public static CommandProblems of(MigrationCommand command) {
        var problems = new CommandProblems();
        MigrationIds.problem(command.migrationId()).ifPresent(problems.problems::add);
        return problems;
    }

    /**
     * An endpoint the command needs.
     *
     * @param field    the command's field, e.g. "source" or "databases[1]"
     * @param whatItIs said when it is missing, e.g. "the rosemeta database holding object_lineage_link"; may be null
     */
    public CommandProblems endpoint(String field, PgEndpoint endpoint, String whatItIs) {
        if (endpoint == null) {
            problems.add(field + " is missing" + (whatItIs == null ? "" : ": " + whatItIs));
        } else {
            endpoint.problems().forEach(p -> problems.add(field + ": " + p));
        }
        return this;
    }

    /** The service's own rule, when it is broken. */
    public CommandProblems add(String problem) {
        problems.add(problem);
        return this;
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(problems);
    }
}
