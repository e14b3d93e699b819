package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCommand;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.CutoverReset;
import io.catalogmigration.common.contract.CutoverRolledBack;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ResetCutover;
import io.catalogmigration.common.contract.ResetReplication;
import io.catalogmigration.common.contract.RollBackCutover;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.cutover.switching.HookRunner;
import io.catalogmigration.cutover.switching.SettingsSwitcher;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * ROLLBACK: fence the target, put the previous settings back, make the source writable, start the application.
 * RESET: the same if a switch happened, the source released in any case, then each database reset by the replicator.
 */
class SwitchBack {

    private final CutoverProperties settings;
    private final CutoverStore store;
    private final WriteFence fence;
    private final SettingsSwitcher switcher;
    private final HookRunner hooks;
    private final MessagePublisher publisher;

    SwitchBack(CutoverProperties settings, CutoverStore store, WriteFence fence, SettingsSwitcher switcher, HookRunner hooks,
               MessagePublisher publisher) {
        this.settings = settings;
        this.store = store;
        this.fence = fence;
        this.switcher = switcher;
        this.hooks = hooks;
        this.publisher = publisher;
    }

    OutcomeEvent rollBack(RollBackCutover command) throws Exception {
        var recorded = store.find(command.migrationId());
        var state = recorded.filter(CutoverStore.State::switched);
        if (state.isEmpty()) {
            String stage = recorded.map(CutoverStore.State::stage).orElse("no cutover");
            return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                    "RollBackCutover", "ROLLBACK", "nothing to roll back: migration " + command.migrationId()
                    + " has no switch recorded (" + stage + ")", "nothing was changed; a cutover that failed before the "
                    + "switch has released the source already (ResetCutover releases it if it did not)", false, false,
                    List.of(), List.of());
        }
        List<String> notes = new ArrayList<>();
        switchBack(command, state.get(), notes);
        return new CutoverRolledBack(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.databases(), switcher.describe(), notes);
    }

    OutcomeEvent reset(ResetCutover command) throws Exception {
        var state = store.find(command.migrationId());
        List<String> notes = new ArrayList<>();
        boolean restored = false;
        if (state.isPresent() && state.get().switched()) {
            switchBack(command, state.get(), notes);
            restored = true;
        } else if (state.isPresent() && state.get().sourceFenced()) {
            fence.release(command.source(), state.get().databases());
            store.sourceReleased(command.migrationId(), CutoverStore.RELEASED);
            notes.add("the source was still read-only from an interrupted cutover: writable again");
        }
        List<UUID> resets = new ArrayList<>();
        for (String database : command.databases()) {
            // Derived from this command's id, so a redelivered reset asks for the same replicator runs.
            UUID id = UUID.nameUUIDFromBytes((command.commandId() + "/" + database).getBytes(StandardCharsets.UTF_8));
            publisher.command(Topics.REPLICATE_COMMAND, new ResetReplication(id, command.migrationId(), Instant.now(),
                    command.source().withDatabase(database), command.target(), command.migrationId()));
            resets.add(id);
        }
        store.forget(command.migrationId());
        notes.add("the replicator drops each database's subscription, slot and target database: follow the "
                + "ReplicationReset outcomes of runs " + resets);
        return new CutoverReset(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.databases(), restored, resets, notes);
    }

    private void switchBack(CutoverCommand command, CutoverStore.State state, List<String> notes) throws Exception {
        if (!settings.stopWritesCommand().isEmpty()) {
            hooks.run("stop-writes", settings.stopWritesCommand(), CutoverRun.hookEnvironment(command, "stop"));
        }
        fence.fence(command.target(), state.databases());
        store.targetFenced(command.migrationId(), true);
        switcher.restore(state.captured(), new HashSet<>(state.databases()));
        fence.release(command.source(), state.databases());
        store.sourceReleased(command.migrationId(), CutoverStore.ROLLED_BACK);
        if (!settings.startApplicationCommand().isEmpty()) {
            hooks.run("start-application", settings.startApplicationCommand(), CutoverRun.hookEnvironment(command, "start"));
        }
        notes.add("rows written on the target since the switch at " + state.switchedAt() + " are on the target only; its "
                + "databases are read-only now");
        notes.add("the target no longer follows the source: before another StartCutover send ResetCutover and replicate again");
    }
}
