package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;
import io.catalogmigration.cutover.switching.SettingsSwitcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * When this instance becomes the active one (see ActiveInstance: one at a time), settles what an earlier instance left
 * unfinished. A cutover stopped inside its downtime window is never resumed blindly: before the switch the fallback is
 * taken down, the replicator's subscriptions enabled again and the source released exactly as the fence recorded it,
 * and the run failed; after the switch the run is failed with the switch named, for the operator to start the
 * application or roll back. Other runs are carried out again (each step can be repeated).
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
record CutoverRecovery(RunLedger ledger, CutoverHandler handler, CutoverStore store, WriteFence fence,
                       Outcomes outcomes, SettingsSwitcher switcher, Fallback fallback) {

    private static final Logger log = LoggerFactory.getLogger(CutoverRecovery.class);

    void settleUnfinishedRuns() {
        // A run this instance is still carrying out is passed by (the lock's session was lost and taken again).
        UnfinishedRuns.resume(ledger, CutoverHandler.KIND, run -> handler.running(run.runId()), this::settle,
                "send ResetCutover to release the source");
    }

    private void settle(Run run) throws Exception {
        var command = MessageJson.mapper().readValue(run.command(), CutoverCommand.class);
        var state = store.find(run.migrationId()).filter(s -> s.runId().equals(run.runId()));
        if (command instanceof StartCutover start && state.isPresent()) {
            settle(start, state.get());
        } else if (command instanceof StartCutover start) {
            // Writes had not stopped yet: nothing to undo, and no downtime is started unasked after a restart.
            outcomes.finish(new CutoverFailed(UUID.randomUUID(), start.migrationId(), Instant.now(), start.commandId(),
                    "StartCutover", "PREFLIGHT", "the cutover service stopped before writes were stopped",
                    "nothing was changed; send StartCutover again when you are ready for the downtime", false, false,
                    List.of(), List.of()), "interrupted before the downtime window");
        } else {
            log.info("Carrying out {} {} of migration {} again after a restart", command.getClass().getSimpleName(),
                    run.runId(), run.migrationId());
            handler.submit(command);
        }
    }

    private void settle(StartCutover command, CutoverStore.State state) throws Exception {
        List<String> notes = new ArrayList<>();
        boolean released = false;
        if (state.switched()) {
            notes.add("the settings were switched at " + state.switchedAt());
        } else if (state.sourceFenced()) {
            if (state.captured() != null) {
                // The switcher may have been writing when the service stopped: put the previous settings back first.
                switcher.restore(state.captured(), new java.util.HashSet<>(state.databases()));
                notes.add("the previous settings were put back (" + switcher.describe() + ")");
            }
            if (state.fallbackRunning()) {
                notes.add("the replication back to the source was dropped: " + fallback.drop(command.migrationId(),
                        command.source(), command.target(), state.databases()));
            }
            if (state.stage().equals(CutoverStore.FENCED)) {
                // The window disables the replicator's subscriptions before it sets up the fallback.
                fallback.setForward(command.target(), state.databases(), true);
            }
            fence.release(command.migrationId(), CutoverStore.SOURCE, command.source());
            store.sourceReleased(command.migrationId(), CutoverStore.RELEASED);
            released = true;
        }
        if (state.stage().equals(CutoverStore.SUBSCRIPTIONS_DROPPED)) {
            notes.add("the subscriptions were dropped: send ResetCutover and replicate again before another StartCutover");
        }
        String reason = "the cutover service stopped in the middle of the cutover (stage " + state.stage() + ")";
        String action = state.switched() ? "the application's settings point at the target: start the application, or send "
                + "RollBackCutover to go back to the source" : "the source was made writable again and nothing was switched; "
                + "send RunPreflight, then StartCutover again";
        log.warn("Cutover {} of migration {} was interrupted: {}. {}", command.commandId(), command.migrationId(), reason, action);
        outcomes.finish(new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                "StartCutover", state.stage(), reason, action, released, state.switched(), List.of(), notes), reason);
    }
}
