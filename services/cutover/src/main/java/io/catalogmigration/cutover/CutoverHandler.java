package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PreflightPassed;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.RunPreflight;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TargetGuard;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Opens a run per command (a redelivery changes nothing) and carries it out on the cutover thread, off the Kafka
 * listener and one at a time: two cutovers never interleave their downtime windows.
 */
record CutoverHandler(RunLedger ledger, Outcomes outcomes, PreflightChecks preflight, CutoverRun cutover,
                      SwitchBack switchBack, FallbackCommands fallback, CutoverStore store, PgConnector connector,
                      RunStart runStart, CommandThreads thread) {

    static final String KIND = "cutover";

    private static final Logger log = LoggerFactory.getLogger(CutoverHandler.class);

    void handle(CutoverCommand command) {
        runStart.take(command, KIND, MessageJson.mapper().writerFor(CutoverCommand.class).writeValueAsString(command),
                resources(command), (why, problem) -> outcomes.finish(failed(command, "VALIDATE", problem.reason(),
                        problem.action()), switch (why) {
                    case SECRET_REFERENCE -> "refused: not a secret reference";
                    case BUSY -> "refused: migration in use";
                    case TOO_OLD -> "refused: too old";
                }), () -> submit(command));
    }

    /**
     * The commands that change the migration's state (the window, its rollback, reset and finish) hold the migration
     * until they finish: a second one would act on a window the first is still in. RunPreflight and CheckFallback
     * only read and hold nothing.
     */
    static List<String> resources(CutoverCommand command) {
        return command instanceof RunPreflight || command instanceof CheckFallback || command.migrationId() == null
                ? List.of() : List.of(RunAdmission.migration(command.migrationId()));
    }

    /** True while the run is queued or carried out here: recovery leaves it alone. */
    boolean running(UUID runId) {
        return thread.running(runId);
    }

    void submit(CutoverCommand command) {
        thread.submit(command, null, () -> run(command));
    }

    private void run(CutoverCommand command) {
        ledger.say(command.commandId(), "Running " + command.getClass().getSimpleName());
        List<String> problems = CommandCheck.problems(command);
        if (!problems.isEmpty()) {
            outcomes.finish(failed(command, "VALIDATE", "invalid " + command.getClass().getSimpleName() + ": "
                    + String.join("; ", problems), "correct the command and send it again with a new commandId; nothing "
                    + "was changed"), "invalid command");
            return;
        }
        try {
            OutcomeEvent outcome = carryOut(command);
            outcomes.finish(outcome, summary(outcome));
        } catch (TargetGuard.TargetIsSource e) {
            outcomes.finish(failed(command, "VALIDATE", e.reason(), e.action()), "target is the source");
        } catch (SecretUnavailableException e) {
            outcomes.finish(failed(command, "CONNECT", e.getMessage(), "make the secret available to the cutover service, then "
                    + "send the command again with a new commandId"), "secret unavailable");
        } catch (Exception e) {
            outcomes.finish(failed(command, command.getClass().getSimpleName(), CutoverRun.reason(e),
                    "check that both servers are reachable and the users are administrators, then send the command again "
                            + "with a new commandId"), "failed");
        }
    }

    private OutcomeEvent carryOut(CutoverCommand command) throws Exception {
        if (command instanceof RunPreflight) {
            List<CutoverCheck> checks = preflight.run(command);
            var failedChecks = checks.stream().filter(CutoverCheck::failed).toList();
            if (failedChecks.isEmpty()) {
                return new PreflightPassed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(), checks);
            }
            return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                    "RunPreflight", "PREFLIGHT", failedChecks.size() + " check(s) failed: " + Outcomes.summary(failedChecks),
                    "fix what the failed checks name and send RunPreflight again; nothing was changed", false, false,
                    checks, List.of());
        }
        if (command instanceof StartCutover start) {
            var done = store.find(command.migrationId()).filter(CutoverStore.State::switched);
            if (done.isPresent()) {
                return failed(command, "VALIDATE", "migration " + command.migrationId() + " was switched to the target at "
                        + done.get().switchedAt(), "nothing was changed; to cut over again send RollBackCutover or "
                        + "ResetCutover first");
            }
            return cutover.run(start);
        }
        // Both fence the "target", and a reset has its databases dropped: never on the source.
        TargetGuard.requireNotSource(connector, command.source(), command.target(), command.databases(),
                command instanceof RollBackCutover ? "fence and roll back from" : "reset (fence, then drop the databases of)");
        if (command instanceof RollBackCutover rollBack) {
            return switchBack.rollBack(rollBack);
        }
        if (command instanceof FinishCutover finish) {
            return fallback.finish(finish);
        }
        if (command instanceof CheckFallback check) {
            return fallback.check(check);
        }
        return switchBack.reset((ResetCutover) command);
    }

    private static CutoverFailed failed(CutoverCommand command, String phase, String reason, String action) {
        return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.getClass().getSimpleName(), phase, reason, action, false, false, List.of(), List.of());
    }

    private static String summary(OutcomeEvent outcome) {
        if (outcome instanceof io.catalogmigration.common.contract.CutoverCompleted done) {
            return "switched " + done.databases() + " to the target with " + done.writeDowntimeMillis() + " ms of write "
                    + "downtime; " + done.tables().size() + " tables verified, " + done.sequencesCopied() + " sequences copied; "
                    + "application " + (done.application().confirmed() ? "confirmed" : "NOT confirmed") + " on the target; "
                    + "fallback " + done.fallback().stream().map(f -> f.database() + (f.streaming() ? " streaming, lag "
                    + f.lagBytes() + " bytes" : " not streaming")).toList() + "; phases " + done.phases();
        }
        if (outcome instanceof io.catalogmigration.common.contract.CutoverRolledBack back) {
            return "rolled " + back.databases() + " back to the source with " + back.writeDowntimeMillis() + " ms of write "
                    + "downtime, the target's writes applied up to " + back.targetLsn() + "; phases " + back.phases();
        }
        return outcome.getClass().getSimpleName();
    }
}
