package io.catalogmigration.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}, for the commands whose output other programs read: status and watch. */
final class OutputFormat {

    enum Kind { TEXT, JSON }

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text for people (default); json for programs: status prints one JSON object, watch one per "
                    + "line for every event (JSON Lines)")
    Kind kind;

    boolean json() {
        return kind == Kind.JSON;
    }
}
