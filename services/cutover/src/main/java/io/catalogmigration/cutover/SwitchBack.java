package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverPhase;
import io.catalogmigration.common.contract.CutoverReset;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.cutover.switching.HookRunner;
import io.catalogmigration.cutover.switching.SettingsSwitcher;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * ROLLBACK without loss: fence the target, wait until the source has applied every write the application made there
 * (the replication back set up at the switch), copy the sequences back, drop the replication back, put the previous
 * settings back, release the source, start the application; timed like the cutover's window. Until the settings are
 * put back, a failure releases the target again and the application stays there.
 * RESET: the same if a switch happened, the source released in any case, then each database reset by the replicator.
 */
record SwitchBack(CutoverProperties settings, Parts parts) {

    static final List<String> PHASES = List.of("STOP_WRITES", "WAIT_FOR_SOURCE", "COPY_SEQUENCES", "DROP_FALLBACK",
            "SWITCH_BACK", "RELEASE_SOURCE", "START_APPLICATION");

    /** What a switch back did. */
    record Back(long downtimeMillis, List<CutoverPhase> phases, String targetLsn, int sequences) {
    }

    /** The rollback stopped before the settings were put back: the application stays on the target. */
    static final class Stopped extends Exception {
        final String phase;

        Stopped(String phase, String reason) {
            super(reason);
            this.phase = phase;
        }
    }

    /** The tools, wired once. */
    record Parts(CutoverStore store, WriteFence fence, Fallback fallback, SequenceCopy sequences, SettingsSwitcher switcher,
                 HookRunner hooks, MessagePublisher publisher, RunLedger ledger, ProgressReporter progress) {
    }

    OutcomeEvent rollBack(RollBackCutover command) throws Exception {
        var recorded = parts.store().find(command.migrationId());
        var state = recorded.filter(s -> s.switched() && !s.finished());
        if (state.isEmpty()) {
            String stage = recorded.map(CutoverStore.State::stage).orElse("no cutover");
            String reason = recorded.filter(CutoverStore.State::finished).isPresent()
                    ? "migration " + command.migrationId() + " was finished (FinishCutover): the replication back to the "
                    + "source was dropped, going back now would lose the application's writes on the target"
                    : "nothing to roll back: migration " + command.migrationId() + " has no switch recorded (" + stage + ")";
            return failed(command, "ROLLBACK", reason, "nothing was changed; a cutover that failed before the switch "
                    + "has released the source already (ResetCutover releases it if it did not)", false);
        }
        List<String> notes = new ArrayList<>();
        Back back;
        try {
            back = switchBack(command, state.get(), notes);
        } catch (Stopped stopped) {
            return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                    "RollBackCutover", stopped.phase, stopped.getMessage(), "the application stays on the target, "
                    + "which was released again; fix the cause and send RollBackCutover again (nothing is lost: the "
                    + "source keeps applying the target's writes)", false, true, List.of(), notes);
        }
        return new CutoverRolledBack(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                state.get().databases(), back.downtimeMillis(), back.phases(), back.targetLsn(), back.sequences(),
                parts.switcher().describe(), notes);
    }

    OutcomeEvent reset(ResetCutover command) throws Exception {
        var state = parts.store().find(command.migrationId());
        if (state.isPresent() && state.get().finished()) {
            return failed(command, "RESET", "migration " + command.migrationId() + " was finished (FinishCutover): the "
                    + "target's databases are the application's now", "nothing was changed; a reset would drop them", true);
        }
        List<String> notes = new ArrayList<>();
        boolean restored = false;
        if (state.isPresent() && state.get().switched()) {
            try {
                switchBack(command, state.get(), notes);
            } catch (Stopped stopped) {
                return failed(command, stopped.phase, stopped.getMessage(), "the application stays on the target, which "
                        + "was released again; fix the cause and send ResetCutover again", true);
            }
            restored = true;
        } else if (state.isPresent()) {
            var s = state.get();
            if (s.fallbackRunning()) {
                parts.fallback().drop(command.migrationId(), command.source(), command.target(), s.databases());
            }
            if (s.sourceFenced()) {
                parts.fence().release(command.migrationId(), CutoverStore.SOURCE, command.source());
                parts.store().sourceReleased(command.migrationId(), CutoverStore.RELEASED);
                notes.add("the source was still fenced from an interrupted cutover: writable again, its roles may log in");
            }
        }
        if (state.isPresent() && (state.get().targetFenced() || restored)) {
            // The replicator creates the target's roles only when missing: they get their login back before it starts over.
            parts.fence().release(command.migrationId(), CutoverStore.TARGET, command.target());
            parts.store().targetFenced(command.migrationId(), false);
            notes.add("the target's roles may log in again");
        }
        List<UUID> resets = new ArrayList<>();
        for (String database : command.databases()) {
            // Derived from this command's id, so a redelivered reset asks for the same replicator runs.
            UUID id = UUID.nameUUIDFromBytes((command.commandId() + "/" + database).getBytes(StandardCharsets.UTF_8));
            parts.publisher().command(Topics.REPLICATE_COMMAND, new ResetReplication(id, command.migrationId(), Instant.now(),
                    command.source().withDatabase(database), command.target(), command.migrationId()));
            resets.add(id);
        }
        parts.store().forget(command.migrationId());
        notes.add("the replicator drops each database's subscription, slot and target database: follow the "
                + "ReplicationReset outcomes of runs " + resets);
        return new CutoverReset(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.databases(), restored, resets, notes);
    }

    private Back switchBack(CutoverCommand command, CutoverStore.State state, List<String> notes) throws Exception {
        String migration = command.migrationId();
        List<String> databases = state.databases();
        var timer = new PhaseTimer(parts.ledger(), parts.progress(), command, "rollback", PHASES);
        long started = System.nanoTime();
        timer.begin("STOP_WRITES");
        boolean stopHookRan = false;
        String lsn = null;
        int sequences = 0;
        try {
            if (!settings.stopWritesCommand().isEmpty()) {
                stopHookRan = true;
                parts.hooks().run("stop-writes", settings.stopWritesCommand(), CutoverRun.hookEnvironment(command, "stop"));
            }
            var fenced = parts.fence().fence(migration, CutoverStore.TARGET, command.target(), databases,
                    databases.stream().map(d -> ReplicationNames.fallback(d).slot()).toList(),
                    state.fallbackUser() == null ? List.of() : List.of(state.fallbackUser()));
            parts.store().targetFenced(migration, true);
            parts.ledger().say(command.commandId(), "Writes stopped on the target: roles " + fenced.roles()
                    + " may not log in, " + fenced.sessionsEnded() + " session(s) ended");
            if (!fenced.skipped().isEmpty()) {
                notes.add("login roles the target's administrator may not alter were not fenced: " + fenced.skipped()
                        + " (name the application's roles in cutover.fence-roles)");
            }
            if (state.fallbackRunning()) {
                timer.begin("WAIT_FOR_SOURCE");
                lsn = parts.fallback().awaitApplied(command.target(), databases, settings.catchUpTimeout());
                parts.ledger().say(command.commandId(), "The source applied every write of the target up to its WAL " + lsn);
            }
            if (state.fallbackStarted() != null) {
                timer.begin("COPY_SEQUENCES");
                for (String database : databases) {
                    sequences += parts.sequences().copy(command.target().withDatabase(database),
                            command.source().withDatabase(database));
                }
            }
            if (state.fallbackRunning()) {
                timer.begin("DROP_FALLBACK");
                parts.fallback().drop(migration, command.source(), command.target(), databases);
            }
        } catch (Exception e) {
            String phase = e instanceof MigrationProblem p ? p.phase() : timer.current();
            stayOnTarget(command, stopHookRan, notes);
            throw new Stopped(phase, CutoverRun.reason(e));
        }
        timer.begin("SWITCH_BACK");
        parts.switcher().restore(state.captured(), new HashSet<>(databases));
        timer.begin("RELEASE_SOURCE");
        parts.fence().release(migration, CutoverStore.SOURCE, command.source());
        parts.store().sourceReleased(migration, CutoverStore.ROLLED_BACK);
        timer.begin("START_APPLICATION");
        if (!settings.startApplicationCommand().isEmpty()) {
            parts.hooks().run("start-application", settings.startApplicationCommand(), CutoverRun.hookEnvironment(command, "start"));
        }
        long downtime = (System.nanoTime() - started) / 1_000_000;
        if (state.fallbackStarted() != null) {
            notes.add("every write made on the target" + (lsn == null ? "" : " (up to its WAL " + lsn + ")") + " since the "
                    + "switch at " + state.switchedAt() + " was applied to the source before the application went back");
        } else {
            notes.add("no replication back to the source ran: rows written on the target since the switch at "
                    + state.switchedAt() + " are on the target only");
        }
        notes.add("the target is fenced (read-only, its application roles may not log in) and no longer follows the "
                + "source: before another StartCutover send ResetCutover, which releases it, and replicate again");
        return new Back(downtime, timer.phases(), lsn, sequences);
    }

    /** A rollback that stopped before the settings were put back: the target is released and the application resumes. */
    private void stayOnTarget(CutoverCommand command, boolean stopHookRan, List<String> notes) {
        try {
            parts.fence().release(command.migrationId(), CutoverStore.TARGET, command.target());
            parts.store().targetFenced(command.migrationId(), false);
        } catch (Exception e) {
            notes.add("the target could not be released (" + CutoverRun.reason(e) + "): cutover.fence_change lists what "
                    + "its fence changed");
        }
        if (stopHookRan && !settings.startApplicationCommand().isEmpty()) {
            try {
                parts.hooks().run("start-application", settings.startApplicationCommand(),
                        CutoverRun.hookEnvironment(command, "resume"));
            } catch (HookRunner.HookFailed e) {
                notes.add(e.getMessage() + "; start the application by hand (its settings still point at the target)");
            }
        }
    }

    private static CutoverFailed failed(CutoverCommand command, String phase, String reason, String action, boolean switched) {
        return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.getClass().getSimpleName(), phase, reason, action, false, switched, List.of(), List.of());
    }
}
