package io.catalogmigration.common.ledger;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.secret.SecretPolicy;
import io.catalogmigration.common.secret.StoredReferences;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs, batches and processed commands of one service, in that service's schema of the control database
 * (the connection's search path). Every write is idempotent so a redelivered message changes nothing.
 */
public class RunLedger {

    private static final RowMapper<Run> RUN = (rs, i) -> new Run(
            rs.getObject("run_id", UUID.class), rs.getString("migration_id"), rs.getString("kind"),
            RunState.valueOf(rs.getString("state")), RunStatus.valueOf(rs.getString("status")), rs.getString("stage"),
            rs.getInt("phase"), rs.getLong("planned"), rs.getLong("done"), rs.getString("state_message"),
            rs.getString("command"), rs.getString("plan"), rs.getTimestamp("ts_started").toInstant(),
            Optional.ofNullable(rs.getTimestamp("ts_finished")).map(Timestamp::toInstant).orElse(null));

    private static final RowMapper<Batch> BATCH = (rs, i) -> new Batch(
            rs.getObject("run_id", UUID.class), rs.getInt("seq"), rs.getInt("phase"), rs.getString("state"),
            rs.getInt("items"), rs.getLong("done"), rs.getString("payload"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SecretPolicy secrets;

    /** A ledger that refuses only the service's built-in own secrets ({@link SecretPolicy#OWN_SECRETS}). */
    public RunLedger(JdbcTemplate jdbc, TransactionTemplate tx) {
        this(jdbc, tx, new SecretPolicy(null, null));
    }

    /** {@code secrets}: its reserved references are refused with the invalid ones, before any run holds anything. */
    public RunLedger(JdbcTemplate jdbc, TransactionTemplate tx, SecretPolicy secrets) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.secrets = secrets;
    }

    /** What to do with a command that opens a run. */
    public enum Admission {
        /** A new run was opened: go ahead. */
        NEW,
        /** Delivered again while its run is still QUEUED: an earlier attempt failed before anything was done; go ahead again. */
        AGAIN,
        /** Handled before: change nothing. */
        DUPLICATE,
        /** No commandId or migrationId: it cannot be recorded, so it is not carried out. */
        INCOMPLETE,
        /**
         * The command's resource is held by another unfinished run ({@link #holder(String)}): the command's run is
         * recorded as refused (stage {@value #REFUSED}, holding nothing) and nothing else is done; the caller publishes
         * its failed outcome, which finishes it.
         */
        BUSY
    }

    /** The stage of a run refused because its resource was busy, until its failed outcome finishes it. */
    public static final String REFUSED = "REFUSED";

    /**
     * Why this command is refused before anything is written for it: each field where a secret reference belongs that
     * holds something else (a pasted password), named by its path, never quoted; and each reference to one of the
     * service's own secrets, named (a valid reference is not a secret). Checked before {@link #admit} or
     * {@link #open}, so such a command leaves no run row; the caller publishes the failed outcome once, guarded by
     * {@link #remember} (the command's id only). Empty when every reference is valid, or when the command has no ids
     * ({@link #admit} says INCOMPLETE for it).
     */
    public List<String> invalidReferences(MigrationCommand command, String commandJson) {
        if (command.commandId() == null || command.migrationId() == null || command.migrationId().isBlank()) {
            return List.of();
        }
        return StoredReferences.problems(commandJson, secrets::reservedProblem);
    }

    /**
     * Refuses a command with {@link #invalidReferences} before anything else is written: {@code refuse} gets the
     * reason ("invalid StartPrune: database.passwordRef is not a secret reference (value not shown) ...") the first
     * time the command is seen; true when the command is refused (the caller stops there).
     */
    public boolean refusesReferences(MigrationCommand command, String commandJson, java.util.function.Consumer<String> refuse) {
        var invalid = invalidReferences(command, commandJson);
        if (invalid.isEmpty()) {
            return false;
        }
        String type = command.getClass().getSimpleName();
        if (remember(command.commandId(), command.migrationId(), type)) {
            refuse.accept("invalid " + type + ": " + String.join("; ", invalid));
        }
        return true;
    }

    /** Opens the command's run, or says why not: every service's planner starts with this. */
    public Admission admit(MigrationCommand command, String kind, String commandJson) {
        if (command.commandId() == null || command.migrationId() == null || command.migrationId().isBlank()) {
            return Admission.INCOMPLETE;
        }
        if (open(command.commandId(), command.migrationId(), kind, commandJson)) {
            return Admission.NEW;
        }
        return find(command.commandId()).map(r -> r.state() == RunState.QUEUED).orElse(false)
                ? Admission.AGAIN : Admission.DUPLICATE;
    }

    /**
     * Opens the command's run holding {@code resources} for as long as the run is unfinished (none: as
     * {@link #admit(MigrationCommand, String, String)}), or refuses it because another unfinished run holds one of them.
     * The hold is the ledger's primary key on {@code run_hold.resource}, so two instances admitting at the same moment
     * cannot both win; finishing a run (succeeded or failed) releases its holds, a run left unfinished by a dead
     * instance keeps them and is recovered as before.
     */
    public Admission admit(MigrationCommand command, String kind, String commandJson, Collection<String> resources) {
        if (resources.isEmpty()) {
            return admit(command, kind, commandJson);
        }
        if (command.commandId() == null || command.migrationId() == null || command.migrationId().isBlank()) {
            return Admission.INCOMPLETE;
        }
        // sorted: two admissions wanting overlapping resources take them in the same order and never deadlock
        List<String> wanted = resources.stream().distinct().sorted().toList();
        UUID runId = command.commandId();
        return tx.execute(status -> {
            if (open(runId, command.migrationId(), kind, commandJson)) {
                if (hold(runId, wanted)) {
                    return Admission.NEW;
                }
                jdbc.update("update run set stage = ? where run_id = ?", REFUSED, runId);
                return Admission.BUSY;
            }
            var run = find(runId).orElseThrow();
            if (run.state() != RunState.QUEUED) {
                return Admission.DUPLICATE;
            }
            if (!REFUSED.equals(run.stage())) {
                return Admission.AGAIN;
            }
            // Refused before, but its refusal was never published (the command came again): nothing was done or said,
            // so it may go ahead if its resources are free by now.
            if (hold(runId, wanted)) {
                jdbc.update("update run set stage = 'PLANNING', ts_updated = now() where run_id = ?", runId);
                return Admission.AGAIN;
            }
            return Admission.BUSY;
        });
    }

    /** Takes every resource for the run, or none (what it took is given back). */
    private boolean hold(UUID runId, List<String> resources) {
        for (String resource : resources) {
            if (!holdOne(runId, resource)) {
                jdbc.update("delete from run_hold where run_id = ?", runId);
                return false;
            }
        }
        return true;
    }

    private boolean holdOne(UUID runId, String resource) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (jdbc.update("insert into run_hold (resource, run_id) values (?, ?) on conflict do nothing", resource, runId) == 1) {
                return true;
            }
            var holder = jdbc.queryForList("select run_id from run_hold where resource = ?", UUID.class, resource);
            if (!holder.isEmpty()) {
                return runId.equals(holder.get(0));
            }
            // its holder finished between the two statements: try again
        }
        return false;
    }

    /** The first of these resources that an unfinished run other than {@code except} holds, with that run. */
    public Optional<Hold> holder(Collection<String> resources, UUID except) {
        return jdbc.query("""
                select h.resource, r.* from run_hold h join run r on r.run_id = h.run_id
                where h.resource = any (?) and r.run_id <> ? and r.state <> 'FINISHED' order by h.resource""",
                (rs, i) -> new Hold(rs.getString("resource"), RUN.mapRow(rs, i)),
                resources.toArray(String[]::new), except).stream().findFirst();
    }

    /**
     * Opens a QUEUED run; false when a run with this id exists already (a redelivered command). A value given where a
     * secret reference belongs that is not one (a pasted password) is not stored: the ledger holds only references,
     * and the command's check refuses it before anything runs.
     */
    public boolean open(UUID runId, String migrationId, String kind, String commandJson) {
        commandJson = StoredReferences.withoutInvalid(commandJson);
        return jdbc.update("""
                insert into run (run_id, migration_id, kind, state, status, stage, command)
                values (?, ?, ?, 'QUEUED', 'NA', 'PLANNING', ?::jsonb) on conflict (run_id) do nothing""",
                runId, migrationId, kind, commandJson) == 1;
    }

    /** Remembers a command that opens no run; false when it was seen before. */
    public boolean remember(UUID commandId, String migrationId, String type) {
        return jdbc.update("""
                insert into processed_command (command_id, migration_id, type) values (?, ?, ?)
                on conflict (command_id) do nothing""", commandId, migrationId, type) == 1;
    }

    public Optional<Run> find(UUID runId) {
        return jdbc.query("select * from run where run_id = ?", RUN, runId).stream().findFirst();
    }

    public List<Run> unfinished(String kind) {
        // A refused run is not resumed: the redelivery of its command publishes its refusal (see admit).
        return jdbc.query("select * from run where kind = ? and state <> 'FINISHED' and stage <> ? order by ts_started",
                RUN, kind, REFUSED);
    }

    public List<Run> active(String kind, String migrationId) {
        return jdbc.query("select * from run where kind = ? and migration_id = ? and state <> 'FINISHED'",
                RUN, kind, migrationId);
    }

    /** Records the plan and its batches, and moves the run to STARTED, in one transaction. */
    public void start(UUID runId, String stage, long planned, String planJson, List<Batch> batches) {
        tx.executeWithoutResult(status -> {
            jdbc.update("""
                    update run set state = 'STARTED', stage = ?, planned = ?, plan = ?::jsonb, phase = ?,
                    ts_updated = now() where run_id = ?""",
                    stage, planned, planJson, batches.stream().mapToInt(Batch::phase).min().orElse(0), runId);
            jdbc.batchUpdate("""
                    insert into batch (run_id, seq, phase, state, items, payload) values (?, ?, ?, 'PLANNED', ?, ?::jsonb)
                    on conflict (run_id, seq) do nothing""",
                    batches, 500, (ps, b) -> {
                        ps.setObject(1, runId);
                        ps.setInt(2, b.seq());
                        ps.setInt(3, b.phase());
                        ps.setInt(4, b.items());
                        ps.setString(5, b.payload());
                    });
        });
    }

    public List<Batch> batches(UUID runId, int phase, String state) {
        return jdbc.query("select * from batch where run_id = ? and phase = ? and state = ? order by seq",
                BATCH, runId, phase, state);
    }

    public Optional<Batch> batch(UUID runId, int seq) {
        return jdbc.query("select * from batch where run_id = ? and seq = ?", BATCH, runId, seq).stream().findFirst();
    }

    public void markPublished(UUID runId, int seq) {
        jdbc.update("update batch set state = 'PUBLISHED', ts_updated = now() where run_id = ? and seq = ? and state = 'PLANNED'",
                runId, seq);
    }

    /**
     * Marks a batch done and adds its count to the run, once: the run row is locked so that exactly one
     * instance sees its phase complete.
     */
    public BatchCompletion complete(UUID runId, int seq, long count) {
        return tx.execute(status -> {
            var run = jdbc.queryForObject("select planned, done from run where run_id = ? for no key update",
                    (rs, i) -> new long[]{rs.getLong(1), rs.getLong(2)}, runId);
            var phase = jdbc.queryForObject("select phase from batch where run_id = ? and seq = ?", Integer.class, runId, seq);
            int updated = jdbc.update("""
                    update batch set state = 'DONE', done = ?, ts_updated = now()
                    where run_id = ? and seq = ? and state <> 'DONE'""", count, runId, seq);
            long done = run[1];
            if (updated == 1) {
                done += count;
                jdbc.update("update run set done = ?, ts_updated = now() where run_id = ?", done, runId);
            }
            Long open = jdbc.queryForObject("select count(*) from batch where run_id = ? and phase = ? and state <> 'DONE'",
                    Long.class, runId, phase);
            return new BatchCompletion(updated == 1, done, run[0], phase, open);
        });
    }

    /** Every writing transaction recorded for a batch's steps (see {@link #recordStep}), committed or not. */
    public List<BatchStep> steps(UUID runId, int seq) {
        return jdbc.query("select step, xid, done from batch_step where run_id = ? and seq = ? order by step, ts_written",
                (rs, i) -> new BatchStep(rs.getInt(1), rs.getString(2), rs.getLong(3)), runId, seq);
    }

    /**
     * Records what one transaction of a batch's step wrote in another database, under that transaction's id, before
     * it commits: whether it counts is that transaction's fate, which the batch's completion asks about. Records are
     * only added (a redo is another transaction), so two workers on one batch never overwrite each other's.
     */
    public void recordStep(UUID runId, int seq, BatchStep step) {
        jdbc.update("insert into batch_step (run_id, seq, step, xid, done) values (?, ?, ?, ?, ?) on conflict do nothing",
                runId, seq, step.step(), step.xid(), step.done());
    }

    /** The lowest phase that still has batches not done, if any. */
    public Optional<Integer> lowestOpenPhase(UUID runId) {
        return Optional.ofNullable(jdbc.queryForObject(
                "select min(phase) from batch where run_id = ? and state <> 'DONE'", Integer.class, runId));
    }

    public void enterPhase(UUID runId, int phase) {
        jdbc.update("update run set phase = ?, ts_updated = now() where run_id = ?", phase, runId);
    }

    /** Moves the run from one stage to the next; true for the one caller that made the move. */
    public boolean advanceStage(UUID runId, String from, String to) {
        return jdbc.update("update run set stage = ?, ts_updated = now() where run_id = ? and stage = ? and state = 'STARTED'",
                to, runId, from) == 1;
    }

    public void finish(UUID runId, RunStatus status, String stateMessage, String detailsJson) {
        jdbc.update("""
                update run set state = 'FINISHED', status = ?, stage = 'DONE', state_message = ?, details = ?::jsonb,
                ts_updated = now(), ts_finished = now() where run_id = ?""",
                status.name(), stateMessage, detailsJson, runId);
    }

    /** Adds to the run's messages; nothing for a command refused before it had a run ({@link #invalidReferences}). */
    public void say(UUID runId, String message) {
        jdbc.update("insert into run_message (run_id, message) select run_id, ? from run where run_id = ?", message, runId);
        jdbc.update("update run set state_message = ?, ts_updated = now() where run_id = ?", message, runId);
    }

    public List<String> messages(UUID runId) {
        return jdbc.queryForList("select message from run_message where run_id = ? order by id", String.class, runId);
    }

    /**
     * Locks the run's row until the caller's transaction ends, so that workers updating the same run's counts take
     * turns; call inside a transaction. Not FOR UPDATE: rows that only name the run (a batch's or a message's foreign
     * key) are not held up by it; in the lineage benchmark the publisher's records of the messages it was about to send
     * waited on the consumers' locks.
     */
    public void lock(UUID runId) {
        jdbc.queryForObject("select run_id from run where run_id = ? for no key update", Object.class, runId);
    }

    /** Adds to (or, negative, takes from, never below 0) the done count of the runs given, e.g. a run and its jobs. */
    public void addDone(long count, UUID... runIds) {
        if (count == 0 || runIds.length == 0) {
            return;
        }
        Object[] args = new Object[runIds.length + 1];
        args[0] = count;
        System.arraycopy(runIds, 0, args, 1, runIds.length);
        jdbc.update("update run set done = greatest(0, done + ?), ts_updated = now() where run_id in ("
                + String.join(", ", java.util.Collections.nCopies(runIds.length, "?")) + ")", args);
    }

    public long done(UUID runId) {
        return jdbc.queryForObject("select done from run where run_id = ?", Long.class, runId);
    }

    /**
     * Several messages of a run at once (detail lines, such as one per persisted message), in order: one statement
     * over an array, not one per message (a row each way was most of the ledger's cost per lineage message).
     */
    public void sayAll(UUID runId, List<String> messages) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.update("insert into run_message (run_id, message) select ?, m from unnest(?::text[]) with ordinality u (m, i) "
                + "order by i", runId, messages.toArray(String[]::new));
    }

    /** Sets the planned total of the runs given (a run and its jobs) once it is known exactly. */
    public void replan(long planned, UUID... runIds) {
        for (UUID runId : runIds) {
            jdbc.update("update run set planned = ?, ts_updated = now() where run_id = ?", planned, runId);
        }
    }
}
