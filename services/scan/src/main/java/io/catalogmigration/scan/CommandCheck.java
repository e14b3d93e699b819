package io.catalogmigration.scan;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartScan;
import io.catalogmigration.common.pg.SqlIdentifier;
import io.catalogmigration.common.pg.TableName;

import java.util.HashSet;
import java.util.List;

/** What is wrong with a StartScan before any database is touched. */
final class CommandCheck {

    static List<String> problems(StartScan command) {
        var problems = CommandProblems.of(command);
        if (command.databases().isEmpty()) {
            problems.add("databases is empty: give at least one endpoint (host, port, database, user, sslmode, passwordRef)");
        }
        var seen = new HashSet<String>();
        for (int i = 0; i < command.databases().size(); i++) {
            PgEndpoint endpoint = command.databases().get(i);
            problems.endpoint("databases[" + i + "]", endpoint, null);
            if (endpoint != null && !seen.add(endpoint.describe())) {
                problems.add("databases[" + i + "]: " + endpoint.describe() + " is named twice");
            }
        }
        for (String table : command.tables()) {
            try {
                var name = TableName.parse(table);
                SqlIdentifier.quote(name.schema());
                SqlIdentifier.quote(name.table());
            } catch (IllegalArgumentException e) {
                problems.add("table '" + table + "' is not a table name: " + e.getMessage());
            }
        }
        if (command.parallelism() != null && (command.parallelism() < 1 || command.parallelism() > ScanProperties.MAX_PARALLELISM)) {
            problems.add("parallelism " + command.parallelism() + " is outside 1.." + ScanProperties.MAX_PARALLELISM);
        }
        return problems.list();
    }

    private CommandCheck() {
    }
}
