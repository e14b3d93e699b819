package io.catalogmigration.testkit;

import java.util.List;

/** What an external command printed (stdout and stderr interleaved) and how it ended. */
record CommandResult(List<String> command, int exitCode, String output) {

    boolean succeeded() {
        return exitCode == 0;
    }

    String describe() {
        return String.join(" ", command) + " exited with " + exitCode
                + (output.isBlank() ? "" : ":\n" + output.strip());
    }
}
