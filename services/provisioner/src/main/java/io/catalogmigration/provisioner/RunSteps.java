package io.catalogmigration.provisioner;

import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one run has done so far: each step is said in the ledger, announced on the progress topic and logged, and
 * every resource that exists for the migration is remembered so a failure can list what is left.
 */
class RunSteps {

    private static final Logger log = LoggerFactory.getLogger(RunSteps.class);

    private final RunLedger ledger;
    private final ProgressReporter progress;
    private final UUID runId;
    private final String migrationId;
    private final Instant startedAt = Instant.now();
    private final List<String> resources = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int done;
    private final int total;

    RunSteps(RunLedger ledger, ProgressReporter progress, UUID runId, String migrationId, int total) {
        this.ledger = ledger;
        this.progress = progress;
        this.runId = runId;
        this.migrationId = migrationId;
        this.total = total;
    }

    /** A step is finished: counts it, says it, reports it. */
    void step(String phase, String message) {
        done = Math.min(total, done + 1);
        ledger.say(runId, message);
        progress.announce(new Progress(migrationId, runId, phase, done, total, "steps", startedAt, message));
    }

    /** A resource of this migration now exists: created ({@code adopted} false) or found from an earlier attempt. */
    void resource(String description, boolean adopted) {
        resources.add(description);
        String message = (adopted ? "adopted " : "created ") + description;
        if (adopted) {
            notes.add(message + " (made by an earlier attempt of this migration)");
        }
        log.info("Provisioner run {} of migration {}: {}", runId, migrationId, message);
        ledger.say(runId, message);
    }

    /** Something the operator should read in the outcome. */
    void note(String note) {
        notes.add(note);
        log.warn("Provisioner run {} of migration {}: {}", runId, migrationId, note);
        ledger.say(runId, note);
    }

    /** Between two steps, e.g. while an instance is being created; rate-limited by the reporter. */
    void waiting(String phase, long secondsWaited, long secondsAtMost, String message) {
        progress.report(new Progress(migrationId, runId, phase, secondsWaited, secondsAtMost, "seconds", startedAt, message));
    }

    int total() {
        return total;
    }

    UUID runId() {
        return runId;
    }

    String migrationId() {
        return migrationId;
    }

    Instant startedAt() {
        return startedAt;
    }

    List<String> resources() {
        return List.copyOf(resources);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }
}
