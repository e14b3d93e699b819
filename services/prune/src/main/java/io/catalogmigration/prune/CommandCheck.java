package io.catalogmigration.prune;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.contract.StartPrune;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What is wrong with a StartPrune before anything is touched. */
final class CommandCheck {

    static final int MAX_BATCH_SIZE = 1_000_000;

    static List<String> problems(StartPrune command, PruneProperties settings) {
        var checked = CommandProblems.of(command).endpoint("database", command.database(),
                "give host, port, database, user, sslmode and passwordRef");
        List<String> problems = new ArrayList<>(checked.list());
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
