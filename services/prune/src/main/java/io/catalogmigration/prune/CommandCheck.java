package io.catalogmigration.prune;

import io.catalogmigration.common.command.MigrationIds;
import io.catalogmigration.common.contract.StartPrune;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What is wrong with a StartPrune before anything is touched. */
final class CommandCheck {

    static final int MAX_BATCH_SIZE = 1_000_000;

    static List<String> problems(StartPrune command, PruneProperties settings) {
        List<String> problems = new ArrayList<>();
        MigrationIds.problem(command.migrationId()).ifPresent(problems::add);
        if (command.database() == null) {
            problems.add("database is missing: give host, port, database, user, sslmode and passwordRef");
        } else {
            problems.addAll(command.database().problems());
        }
        for (String group : command.groups()) {
            if (!settings.groups().containsKey(group)) {
                problems.add("unknown group '" + group + "' (known groups: " + String.join(", ", new TreeSet<>(settings.groups().keySet())) + ")");
            }
        }
        if (command.batchSize() != null && (command.batchSize() < 1 || command.batchSize() > MAX_BATCH_SIZE)) {
            problems.add("batchSize " + command.batchSize() + " is outside 1.." + MAX_BATCH_SIZE);
        }
        return problems;
    }

    private CommandCheck() {
    }
}
