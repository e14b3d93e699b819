package io.catalogmigration.cutover;

import io.catalogmigration.common.contract.CutoverCheck;
import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.CutoverFailed;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartCutover;
import io.catalogmigration.common.contract.VerifiedTable;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.ReplicationNames;
import io.catalogmigration.common.pg.Subscriptions;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.cutover.switching.ConnectionSettings;
import io.catalogmigration.cutover.switching.HookRunner;
import io.catalogmigration.cutover.switching.SettingsSwitcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * StartCutover: preflight, then the downtime window (fence every writer, wait for the target, copy sequences, verify,
 * set up the replication back to the source, drop the subscriptions, switch, start the application), timed phase by
 * phase, then the confirmation that the application works on the target. Until the switch, any failure releases the
 * source, takes the fallback down and leaves the application's settings and the replication as they were.
 */
record CutoverRun(CutoverProperties settings, Parts parts) {

    static final List<String> PHASES = List.of("PREFLIGHT", "STOP_WRITES", "WAIT_FOR_TARGET", "COPY_SEQUENCES",
            UnreplicatedCopy.PHASE, "VERIFY", "FALLBACK", "DROP_SUBSCRIPTIONS", "SWITCH", "START_APPLICATION",
            "CONFIRM_APPLICATION");

    private static final Logger log = LoggerFactory.getLogger(CutoverRun.class);
    /** How long the outcome waits for the fallback's apply workers to start, after the downtime. */
    private static final java.time.Duration FALLBACK_START = java.time.Duration.ofSeconds(15);

    /** The steps' tools, wired once. */
    record Parts(PgConnector connector, CutoverStore store, RunLedger ledger, WriteFence fence, CatchUp catchUp,
                 SequenceCopy sequences, WindowVerification verification, PreflightChecks preflight, Fallback fallback,
                 SwitchConfirmation confirmation, SettingsSwitcher switcher, HookRunner hooks, ProgressReporter progress,
                 UnreplicatedCopy unreplicated) {
    }

    OutcomeEvent run(StartCutover command) throws Exception {
        var timer = new PhaseTimer(parts.ledger(), parts.progress(), command, "cutover", PHASES);
        timer.begin("PREFLIGHT");
        List<CutoverCheck> checks = parts.preflight().run(command);
        List<CutoverCheck> failed = checks.stream().filter(CutoverCheck::failed).toList();
        if (!failed.isEmpty()) {
            return failure(command, "PREFLIGHT", failed.size() + " preflight check(s) failed: " + Outcomes.summary(failed),
                    "fix what the failed checks name (RunPreflight shows them without changing anything), then send "
                            + "StartCutover again; nothing was stopped", false, false, checks, List.of());
        }
        var databases = new HashSet<>(command.databases());
        String captured = parts.switcher().capture(databases);
        ConnectionSettings next = settingsFor(command);
        List<String> notes = new ArrayList<>();
        Fallback.Prepared prepared;
        try {
            prepared = parts.fallback().prepare(command);
        } catch (Exception e) {
            List<String> left = new ArrayList<>();
            undoReplication(command, false, left);
            return failure(command, "PREFLIGHT", "the replication back to the source could not be prepared: " + reason(e),
                    "nothing was stopped; fix what the reason names (the fallback login's privileges, the target "
                            + "administrator's rights on the tables), then send StartCutover again", false, false,
                    checks, left);
        }
        notes.addAll(prepared.notes());
        checks.stream().filter(c -> c.status().equals(CutoverCheck.WARNING))
                .forEach(c -> notes.add("preflight warning: " + c.database() + " " + c.check() + ": " + c.detail()));

        Instant writesStopped = Instant.now();
        long downtimeStarted = System.nanoTime();
        var deadline = new Deadline(downtimeStarted, command.maxWriteDowntimeSeconds() == null ? settings.maxWriteDowntime()
                : java.time.Duration.ofSeconds(command.maxWriteDowntimeSeconds()));
        boolean stopHookRan = false;
        boolean subscriptionsDropped = false;
        List<VerifiedTable> verified;
        UnreplicatedCopy.Result copied;
        int sequences = 0;
        WriteFence.Fenced fenced;
        String lsn;
        try {
            timer.begin("STOP_WRITES");
            parts.store().fencing(command.migrationId(), command.commandId(), command.databases(), writesStopped);
            parts.fallback().record(command.migrationId(), prepared);
            if (!settings.stopWritesCommand().isEmpty()) {
                stopHookRan = true;
                try {
                    parts.hooks().run("stop-writes", settings.stopWritesCommand(), hookEnvironment(command, "stop"),
                            deadline.remaining());
                } catch (HookRunner.HookFailed e) {
                    throw deadline.expired() ? deadline.ranOut("STOP_WRITES", e.getMessage()) : e;
                }
            }
            fenced = parts.fence().fence(command.migrationId(), CutoverStore.SOURCE, command.source(), command.databases(),
                    command.databases().stream().map(d -> ReplicationNames.of(d).slot()).toList(), List.of());
            parts.ledger().say(command.commandId(), "Writes stopped: " + command.databases() + " read-only on the source, "
                    + "roles " + fenced.roles() + " may not log in, " + fenced.sessionsEnded() + " session(s) ended");
            if (!fenced.skipped().isEmpty()) {
                notes.add("login roles the source's administrator may not alter were not fenced: " + fenced.skipped()
                        + " (name the application's roles in cutover.fence-roles)");
            }

            deadline.check("WAIT_FOR_TARGET");
            timer.begin("WAIT_FOR_TARGET");
            var remaining = deadline.remaining();
            lsn = parts.catchUp().await(command.source(), command.databases(),
                    remaining.compareTo(settings.catchUpTimeout()) < 0 ? remaining : settings.catchUpTimeout());
            parts.ledger().say(command.commandId(), "The target applied everything up to the source's WAL " + lsn);

            deadline.check("COPY_SEQUENCES");
            timer.begin("COPY_SEQUENCES");
            for (String database : command.databases()) {
                sequences += parts.sequences().copy(command.source().withDatabase(database), command.target().withDatabase(database));
            }

            deadline.check(UnreplicatedCopy.PHASE);
            timer.begin(UnreplicatedCopy.PHASE);
            copied = parts.unreplicated().inWindow(command, deadline);
            notes.addAll(copied.notes());

            deadline.check("VERIFY");
            timer.begin("VERIFY");
            var window = parts.verification().inWindow(command.source(), command.target(), command.databases(),
                    deadline.remaining());
            verified = window.tables();
            if (!window.differences().isEmpty()) {
                throw MigrationProblem.inPhase("VERIFY", window.differences().size() + " row(s) differ with writes stopped: "
                        + window.differences().stream().limit(5).map(Outcomes::describe).toList(),
                        "the target is not a faithful copy: the source was released and the target keeps replicating; "
                                + "CheckReplication shows the differences; fix the rows or send ResetCutover and replicate "
                                + "again; look for writes that bypass replication (written on the target, DDL on the source)");
            }
            var lost = parts.preflight().unacceptedLosses(command);
            if (!lost.isEmpty()) {
                throw MigrationProblem.inPhase("VERIFY", "with writes stopped the target lacks " + lost.size() + " object(s) of the "
                        + "source: " + lost.stream().limit(10).toList(), "the source changed since the preflight (DDL): create "
                        + "them on the target or accept leaving them behind (acceptedLosses), then send StartCutover again");
            }
            long inWindow = verified.stream().mapToLong(VerifiedTable::rowsVerifiedInWindow).sum();
            parts.ledger().say(command.commandId(), "Verified " + verified.size() + " tables: " + String.format("%,d",
                    verified.stream().mapToLong(VerifiedTable::rowsVerifiedOnline).sum()) + " rows online, "
                    + String.format("%,d", inWindow) + " changed rows re-checked in the window; " + sequences
                    + " sequences copied");

            deadline.check("FALLBACK");
            timer.begin("FALLBACK");
            parts.fallback().subscribe(command, deadline.remaining());
            parts.ledger().say(command.commandId(), "The source replicates the target's writes back from now on (fallback)");

            deadline.check("DROP_SUBSCRIPTIONS");
            timer.begin("DROP_SUBSCRIPTIONS");
            subscriptionsDropped = true;
            dropSubscriptions(command);
            parts.verification().removeFromTarget(command.target(), command.databases());
            parts.store().stage(command.migrationId(), CutoverStore.SUBSCRIPTIONS_DROPPED);

            deadline.check("SWITCH");
            timer.begin("SWITCH");
            parts.store().capturing(command.migrationId(), captured);
            parts.switcher().apply(next);
            parts.store().switched(command.migrationId(), Instant.now());
            parts.ledger().say(command.commandId(), "Switched the application's settings: " + parts.switcher().describe());
        } catch (Exception e) {
            String phase = e instanceof MigrationProblem p ? p.phase() : timer.current();
            String reason = reason(e);
            MigrationProblem ranOut = null;
            if (deadline.expired()) {
                // Whatever failed last (a statement cut by its timeout, a wait given up), the limit is the reason.
                ranOut = deadline.ranOut(phase, reason);
                reason = ranOut.getMessage();
            }
            log.error("Cutover of migration {} stopped in {}: {}. Releasing the source.", command.migrationId(), phase, reason);
            List<String> abortNotes = new ArrayList<>(notes);
            if ("SWITCH".equals(phase)) {
                // The switcher may have written part of the settings (SSM writes one parameter at a time).
                try {
                    parts.switcher().restore(captured, databases);
                    abortNotes.add("the settings the switcher had begun to write were put back");
                } catch (Exception restoreFailed) {
                    abortNotes.add("the previous settings could not be put back (" + reason(restoreFailed) + "): check "
                            + parts.switcher().describe() + " by hand");
                }
            }
            undoReplication(command, subscriptionsDropped, abortNotes);
            boolean released = release(command, stopHookRan, abortNotes);
            if (subscriptionsDropped) {
                abortNotes.add("the subscriptions were dropped: the target no longer follows the source; send ResetCutover "
                        + "and replicate again before another StartCutover");
            }
            String action = ranOut != null ? ranOut.action() : e instanceof MigrationProblem p ? p.action()
                    : "the application keeps running on the source (nothing was switched); fix the cause named above and "
                    + "send RunPreflight, then StartCutover again";
            if (Thread.currentThread().isInterrupted()) {
                action = "the service was stopping; " + action;
            }
            return failure(command, phase, reason, action, released, false, List.of(), abortNotes);
        }
        timer.begin("START_APPLICATION");
        if (!settings.startApplicationCommand().isEmpty()) {
            try {
                parts.hooks().run("start-application", settings.startApplicationCommand(), hookEnvironment(command, "start"));
            } catch (HookRunner.HookFailed e) {
                return failure(command, "START_APPLICATION", e.getMessage(), "the settings point at the target already: start "
                        + "the application by hand, or send RollBackCutover to go back to the source", false, true,
                        List.of(), notes);
            }
        }
        long downtime = (System.nanoTime() - downtimeStarted) / 1_000_000;
        parts.store().stage(command.migrationId(), CutoverStore.COMPLETED);

        timer.begin("CONFIRM_APPLICATION");
        var application = parts.confirmation().await(command.source(), command.target(), command.databases(),
                command.applicationUser(), fenced.roles(), settings.confirmTimeout());
        if (!application.confirmed()) {
            notes.add(0, "WARNING: the switch is not confirmed: after " + application.waitedMillis() + " ms the application ("
                    + application.user() + ") has " + application.onTarget() + " session(s) on the target and "
                    + application.onSource() + " on the source; check that it started and can log in on the target (the "
                    + "role, its password, pg_hba.conf), or send RollBackCutover to go back without losing a write");
        }
        parts.ledger().say(command.commandId(), "Application " + application.user() + ": " + application.onTarget()
                + " session(s) on the target, " + application.onSource() + " on the source"
                + (application.confirmed() ? "" : " (not confirmed within cutover.confirm-timeout)"));
        timer.end();
        var fallback = parts.fallback().awaitStreaming(command.source(), command.target(), command.databases(),
                FALLBACK_START);
        notes.add("the source stays fenced (read-only, roles " + fenced.roles() + " may not log in) and applies the "
                + "application's writes on the target: RollBackCutover goes back without losing one; FinishCutover ends "
                + "the fallback");
        return new CutoverCompleted(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                command.databases(), downtime, timer.phases(), verified, sequences, parts.switcher().describe(), lsn,
                fenced.roles(), fallback, application, notes, copied.objects());
    }

    /**
     * An abort takes down what was set up for the fallback (the publications made before the window, the slots and
     * subscriptions made in it) and, while the replicator's subscriptions still exist, enables them again so the target
     * keeps following the source.
     */
    private void undoReplication(StartCutover command, boolean subscriptionsDropped, List<String> notes) {
        try {
            parts.fallback().drop(command.migrationId(), command.source(), command.target(), command.databases());
        } catch (Exception e) {
            notes.add("the fallback replication could not be dropped (" + reason(e) + "): drop the subscriptions "
                    + "fallback_<db> on the source and the slots and publications fallback_<db> on the target");
        }
        if (!subscriptionsDropped) {
            try {
                parts.fallback().setForward(command.target(), command.databases(), true);
            } catch (Exception e) {
                notes.add("the subscriptions on the target could not be enabled again (" + reason(e) + "): ALTER "
                        + "SUBSCRIPTION migration_<db> ENABLE on the target");
            }
        }
    }

    private void dropSubscriptions(StartCutover command) throws SQLException {
        for (String database : command.databases()) {
            var names = ReplicationNames.of(database);
            String oid;
            try (Connection target = parts.connector().connect(command.target().withDatabase(database))) {
                oid = Subscriptions.dropOnTarget(target, names.subscription());
            }
            try (Connection source = parts.connector().connect(command.source())) {
                Subscriptions.dropSlots(source, names.slot(), oid);
            }
        }
    }

    /** Makes the source writable again and, if the stop hook ran, starts the application again (on its old settings). */
    private boolean release(StartCutover command, boolean stopHookRan, List<String> notes) {
        boolean released = false;
        try {
            parts.fence().release(command.migrationId(), CutoverStore.SOURCE, command.source());
            parts.store().sourceReleased(command.migrationId(), CutoverStore.RELEASED);
            released = true;
        } catch (Exception e) {
            notes.add("the source could not be made writable again: " + reason(e) + "; send ResetCutover, which releases "
                    + "it (cutover.fence_change lists what the fence changed)");
        }
        if (stopHookRan && !settings.startApplicationCommand().isEmpty()) {
            try {
                parts.hooks().run("start-application", settings.startApplicationCommand(), hookEnvironment(command, "resume"));
            } catch (HookRunner.HookFailed e) {
                notes.add(e.getMessage() + "; start the application by hand (its settings still point at the source)");
            }
        }
        return released;
    }

    private ConnectionSettings settingsFor(StartCutover command) {
        Map<String, ConnectionSettings.Database> databases = new LinkedHashMap<>();
        PgEndpoint target = command.target();
        String sslmode = command.applicationSslmode() == null || command.applicationSslmode().isBlank()
                ? target.sslmode() : command.applicationSslmode();
        for (String database : command.databases()) {
            databases.put(database, new ConnectionSettings.Database(target.host(), target.port(), database,
                    command.applicationUser(), sslmode, command.applicationPasswordRef()));
        }
        return ConnectionSettings.of(databases);
    }

    static Map<String, String> hookEnvironment(io.catalogmigration.common.contract.CutoverCommand command, String action) {
        return Map.of("MIGRATION_ID", command.migrationId(), "CUTOVER_ACTION", action,
                "CUTOVER_DATABASES", String.join(",", command.databases()));
    }

    private CutoverFailed failure(StartCutover command, String phase, String reason, String action, boolean released,
                                  boolean switched, List<CutoverCheck> checks, List<String> notes) {
        return new CutoverFailed(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                "StartCutover", phase, reason, action, released, switched, checks, notes);
    }

    static String reason(Exception e) {
        if (e instanceof SQLException sql) {
            return "a statement failed: " + PgErrors.serverMessage(sql);
        }
        if (e instanceof InterruptedException) {
            return "interrupted: the service is stopping";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
