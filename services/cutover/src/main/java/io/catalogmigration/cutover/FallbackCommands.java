package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CheckFallback;
import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverFinished;
import io.catalogmigration.common.contract.FallbackReported;
import io.catalogmigration.common.contract.FinishCutover;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.cutover.switching.HookRunner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * After a switch: CheckFallback reports the replication back to the source and its lag; FinishCutover ends it (the
 * runbook's last steps): the replication back is dropped, the source's replication role rotated or dropped
 * (cutover.replication-role-after), the source stays fenced, and the finish hook, if configured, does the rest (e.g.
 * stops the old server).
 */
record FallbackCommands(CutoverProperties settings, CutoverStore store, Fallback fallback, HookRunner hooks,
                        ReplicationRoleRetirement replicationRole) {

    OutcomeEvent check(CheckFallback command) throws Exception {
        var state = store.find(command.migrationId()).filter(CutoverStore.State::switched);
        if (state.isEmpty()) {
            return failed(command, "CHECK", "migration " + command.migrationId() + " has no switch recorded, so no "
                    + "replication back to the source", "nothing to check; send it after a completed StartCutover", false);
        }
        List<String> notes = new ArrayList<>();
        if (!state.get().fallbackRunning()) {
            notes.add(state.get().fallbackStarted() == null ? "no replication back to the source was set up at the switch"
                    : "the replication back to the source was dropped at " + state.get().fallbackDropped());
            return new FallbackReported(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                    state.get().stage(), List.of(), notes);
        }
        var status = fallback.status(command.source(), command.target(), state.get().databases());
        status.stream().filter(s -> !s.streaming()).forEach(s -> notes.add("WARNING: " + s.database() + ": " + s.detail()
                + "; while it does not stream, the target's slot keeps its WAL and a rollback waits for it"));
        return new FallbackReported(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                state.get().stage(), status, notes);
    }

    OutcomeEvent finish(FinishCutover command) throws Exception {
        var state = store.find(command.migrationId()).filter(CutoverStore.State::switched);
        if (state.isEmpty() || state.get().finished()) {
            return failed(command, "FINISH", state.isEmpty() ? "migration " + command.migrationId() + " has no switch "
                    + "recorded: nothing to finish" : "migration " + command.migrationId() + " was finished before",
                    "nothing was changed", state.isPresent());
        }
        List<String> dropped = state.get().fallbackRunning()
                ? fallback.drop(command.migrationId(), command.source(), command.target(), state.get().databases()) : List.of();
        store.stage(command.migrationId(), CutoverStore.FINISHED);
        List<String> notes = new ArrayList<>();
        // No rollback is possible from here: the login the target replicated from the source with is no longer needed.
        notes.add(replicationRole.retire(command.source(), state.get().databases(), settings.replicationRole(),
                settings.replicationRoleAfter()));
        boolean hook = !settings.finishCommand().isEmpty();
        if (hook) {
            try {
                hooks.run("finish", settings.finishCommand(), CutoverRun.hookEnvironment(command, "finish"));
            } catch (HookRunner.HookFailed e) {
                return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                        "FinishCutover", "FINISH_HOOK", e.getMessage(), "the replication back was dropped and the "
                        + "migration is finished; do by hand what the finish hook does", false, true, List.of(),
                        List.of("dropped: " + dropped, notes.get(0)));
            }
        }
        notes.add("the source stays fenced: its databases read-only and the application's roles unable to log in "
                + "(cutover.fence_change lists them); " + (hook ? "the finish hook ran" : "stop it or drop its databases "
                + "when you no longer need them (cutover.finish-command can do it)"));
        return new CutoverFinished(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                state.get().databases(), dropped, hook, notes);
    }

    private static CutoverFailed failed(CutoverCommand command, String phase, String reason, String action, boolean switched) {
        return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.getClass().getSimpleName(), phase, reason, action, false, switched, List.of(), List.of());
    }
}
