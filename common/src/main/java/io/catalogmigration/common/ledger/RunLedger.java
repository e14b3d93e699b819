package io.catalogmigration.common.ledger;

import io.catalogmigration.common.contract.MigrationCommand;
import io.catalogmigration.common.secret.StoredReferences;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
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

    public RunLedger(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
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
        INCOMPLETE
    }

    /**
     * Why this command is refused before anything is written for it: each field where a secret reference belongs that
     * holds something else (a pasted password), named by its path, never quoted. Checked before {@link #admit} or
     * {@link #open}, so such a command leaves no run row; the caller publishes the failed outcome once, guarded by
     * {@link #remember} (the command's id only). Empty when every reference is valid, or when the command has no ids
     * ({@link #admit} says INCOMPLETE for it).
     */
    public List<String> invalidReferences(MigrationCommand command, String commandJson) {
        if (command.commandId() == null || command.migrationId() == null || command.migrationId().isBlank()) {
            return List.of();
        }
        return StoredReferences.problems(commandJson);
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
        return jdbc.query("select * from run where kind = ? and state <> 'FINISHED' order by ts_started", RUN, kind);
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
            var run = jdbc.queryForObject("select planned, done from run where run_id = ? for update",
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
}
