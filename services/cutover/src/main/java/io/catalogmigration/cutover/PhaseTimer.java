package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverPhase;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Times each phase of a cutover or a rollback, says it in the ledger and the log, and reports it as progress (phase n
 * of all, unit {@code steps}).
 */
final class PhaseTimer {

    private static final Logger log = LoggerFactory.getLogger(PhaseTimer.class);

    private final RunLedger ledger;
    private final ProgressReporter progress;
    private final CutoverCommand command;
    private final String work;
    private final List<String> all;
    private final Instant started = Instant.now();
    private final List<CutoverPhase> phases = new ArrayList<>();
    private String current;
    private long since;

    /** @param work the progress phase and the log's word for it: cutover, rollback */
    PhaseTimer(RunLedger ledger, ProgressReporter progress, CutoverCommand command, String work, List<String> all) {
        this.ledger = ledger;
        this.progress = progress;
        this.command = command;
        this.work = work;
        this.all = all;
    }

    void begin(String phase) {
        end();
        current = phase;
        since = System.nanoTime();
        ledger.say(command.commandId(), "Phase " + phase);
        log.info("{} of migration {}: {} ({}/{})", Character.toUpperCase(work.charAt(0)) + work.substring(1),
                command.migrationId(), phase, all.indexOf(phase) + 1, all.size());
        progress.announce(new Progress(command.migrationId(), command.commandId(), work, all.indexOf(phase), all.size(),
                "steps", started, phase));
    }

    void end() {
        if (current != null) {
            phases.add(new CutoverPhase(current, (System.nanoTime() - since) / 1_000_000));
            current = null;
        }
    }

    String current() {
        return current;
    }

    /** Every phase timed so far; announces the work completed. */
    List<CutoverPhase> phases() {
        end();
        progress.announce(new Progress(command.migrationId(), command.commandId(), work, all.size(), all.size(), "steps",
                started, "completed"));
        return List.copyOf(phases);
    }
}
