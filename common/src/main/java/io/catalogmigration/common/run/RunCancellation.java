package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.contract.RunCancelled;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How an operator stops a run before it finishes: one whose work messages were dead-lettered never finishes and holds
 * its database until then, and a refusal ({@link RunAdmission#busy}) names it. A {@code Cancel*} command names the run
 * by id; the run ends with its service's failed outcome, saying who cancelled it and why, which frees what it held;
 * what it already did stays done (a prune's deleted ranges), and work of it still in flight is dropped by every worker
 * ({@link WorkBatch#find} passes finished runs by). The cancel command is a run of its own with one outcome:
 * {@link RunCancelled}, or the service's failed outcome when there was nothing to stop (an unknown run, another
 * migration's, one finished already or finishing meanwhile).
 */
public record RunCancellation(RunStart runStart, RunLedger ledger, RunOutcomes outcomes) {

    /** The service's failed outcome for a run: the cancelled one, or the cancel command's own. */
    @FunctionalInterface
    public interface Failed {
        /**
         * @param run the run as the ledger has it; null for the cancel command's own run
         * @return true when recorded; false when the run had its outcome already
         */
        boolean fail(UUID runId, Run run, String reason, String action);
    }

    /** An operator's reason is kept in outcomes and logs: plain and short. */
    private static final int REASON_CHARACTERS = 200;

    private static final Logger log = LoggerFactory.getLogger(RunCancellation.class);

    /**
     * @param kind  the kind of run this service may cancel ("prune"); the cancel command's own run is "prune-cancel"
     * @param start the command that starts such a run ("StartPrune"), for the operator's next step
     */
    public void cancel(MigrationCommand cancel, UUID runId, String reason, String kind, String start, Failed failed) {
        runStart.take(cancel, kind + "-cancel", MessageJson.mapper().writeValueAsString(cancel), List.of(),
                (why, problem) -> failed.fail(cancel.commandId(), null, problem.reason(), problem.action()),
                () -> carryOut(cancel, runId, plain(reason), kind, start, failed));
    }

    private void carryOut(MigrationCommand cancel, UUID runId, String reason, String kind, String start, Failed failed) {
        String type = cancel.getClass().getSimpleName();
        String again = "correct it and send " + type + " again with a new commandId";
        if (runId == null) {
            failed.fail(cancel.commandId(), null, "invalid " + type + ": runId is missing: name the run to stop",
                    "give the commandId of its " + start + " (a refusal names it, and so does the progress topic); " + again);
            return;
        }
        var found = ledger.find(runId).filter(run -> run.kind().equals(kind));
        if (found.isEmpty()) {
            failed.fail(cancel.commandId(), null, "run " + runId + " is not a " + kind + " run this service knows; nothing "
                    + "was stopped", "check the id: it is the commandId of the " + start + " (a refusal names it); " + again);
            return;
        }
        Run run = found.get();
        if (!run.migrationId().equals(cancel.migrationId())) {
            failed.fail(cancel.commandId(), null, "run " + runId + " belongs to migration " + run.migrationId() + ", not "
                    + cancel.migrationId() + "; nothing was stopped", "send " + type + " with migrationId "
                    + run.migrationId() + " and a new commandId if you mean that run");
            return;
        }
        if (run.finished()) {
            failed.fail(cancel.commandId(), null, "run " + runId + " has finished already (" + run.status() + "); nothing "
                    + "was stopped", "nothing to do: its outcome is on migration.outcome");
            return;
        }
        String why = "cancelled by " + type + " " + cancel.commandId() + (reason.isEmpty() ? "" : " (" + reason + ")")
                + " while " + run.stage() + ", " + run.done() + " of " + run.planned() + " done; what was done stays done";
        if (!failed.fail(runId, run, why, "send " + start + " again with a new commandId to go on from where it stopped")) {
            failed.fail(cancel.commandId(), null, "run " + runId + " finished while it was being cancelled; nothing was "
                    + "stopped", "nothing to do: its outcome is on migration.outcome");
            return;
        }
        log.warn("Run {} of migration {} was cancelled by {} {} while {} ({} of {} done)", runId, run.migrationId(), type,
                cancel.commandId(), run.stage(), run.done(), run.planned());
        outcomes.succeeded(new RunCancelled(UUID.randomUUID(), cancel.migrationId(), Instant.now(), cancel.commandId(),
                runId, start, run.stage(), run.done(), run.planned()), "Cancelled run " + runId + " while " + run.stage());
    }

    /** Control characters out, at most {@value #REASON_CHARACTERS} characters. */
    static String plain(String reason) {
        if (reason == null) {
            return "";
        }
        String plain = reason.replaceAll("\\p{Cntrl}", " ").strip();
        return plain.length() <= REASON_CHARACTERS ? plain : plain.substring(0, REASON_CHARACTERS) + "...";
    }
}
