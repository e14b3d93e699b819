package io.catalogmigration.common.ledger;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox of outcomes in a service's ledger (V1.1): a run's one outcome is recorded in the transaction that
 * finishes the run, and relayed from here to its topic. Each row is relayed by one relay at a time, whatever the
 * number of instances: a session advisory lock (on the row's event id, in this schema) is held from the count of the
 * attempt to the mark, and a relay that dies releases it with its connection.
 */
public class OutcomeOutbox {

    /**
     * An outcome recorded but not yet marked sent; {@code attempts} sends were begun before (0: never sent), none of
     * them before {@code recorded}.
     */
    public record Pending(UUID eventId, UUID runId, String topic, String key, String payload, int attempts,
                          Instant recorded) {

        /** A send was begun and never marked: the outcome may be on the topic already. */
        public boolean mayBeOnTheTopic() {
            return attempts > 0;
        }
    }

    /** Where an outcome is on its topic. */
    public record Position(int partition, long offset) {
    }

    /** Puts one pending outcome on its topic, or finds it there, and says where it is. */
    @FunctionalInterface
    public interface Relay {
        Position relay(Pending outcome);
    }

    private final JdbcTemplate jdbc;

    public OutcomeOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the run's outcome, in the caller's transaction; false when the run has one already (the outcome was
     * recorded before: there is exactly one per run). The outcome of a command refused before it opened a run (an
     * invalid secret reference) is recorded without a run: its command id in processed_command keeps it to once.
     */
    public boolean record(UUID eventId, UUID runId, String topic, String key, String payload) {
        return jdbc.update("""
                insert into outcome_outbox (event_id, run_id, topic, message_key, payload)
                values (?, (select run_id from run where run_id = ?), ?, ?, ?)
                on conflict do nothing""", eventId, runId, topic, key, payload) == 1;
    }

    /** The outcomes not yet marked sent, oldest first. */
    public List<UUID> pending(int limit) {
        return jdbc.queryForList("select event_id from outcome_outbox where ts_sent is null order by ts_recorded limit ?",
                UUID.class, limit);
    }

    public boolean sent(UUID eventId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select count(*) > 0 from outcome_outbox where event_id = ? and ts_sent is not null", Boolean.class, eventId));
    }

    /**
     * Relays one outcome unless another relay holds it or it was marked sent: counts the attempt (committed before
     * the send, so that a later relay knows to look for it on the topic), lets {@code relay} put it on the topic or
     * find it there, and marks it sent where it is. Empty when there was nothing to do here.
     */
    public Optional<Position> relay(UUID eventId, Relay relay) {
        return Optional.ofNullable(jdbc.execute((ConnectionCallback<Position>) connection -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try {
                if (!lock(connection, "pg_try_advisory_lock", eventId)) {
                    return null;
                }
                try {
                    var pending = find(connection, eventId);
                    if (pending.isEmpty()) {
                        return null;
                    }
                    countAttempt(connection, eventId);
                    var position = relay.relay(pending.get());
                    markSent(connection, eventId, position);
                    return position;
                } finally {
                    lock(connection, "pg_advisory_unlock", eventId);
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }));
    }

    private static boolean lock(Connection connection, String function, UUID eventId) throws SQLException {
        try (var statement = connection.prepareStatement(
                "select " + function + "(hashtext(current_schema() || '.outcome_outbox'), hashtext(?))")) {
            statement.setString(1, eventId.toString());
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Optional<Pending> find(Connection connection, UUID eventId) throws SQLException {
        try (var statement = connection.prepareStatement("""
                select run_id, topic, message_key, payload, attempts, ts_recorded from outcome_outbox
                where event_id = ? and ts_sent is null""")) {
            statement.setObject(1, eventId);
            try (var rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Pending(eventId, rs.getObject("run_id", UUID.class), rs.getString("topic"),
                        rs.getString("message_key"), rs.getString("payload"), rs.getInt("attempts"),
                        rs.getTimestamp("ts_recorded").toInstant()));
            }
        }
    }

    private static void countAttempt(Connection connection, UUID eventId) throws SQLException {
        try (var statement = connection.prepareStatement(
                "update outcome_outbox set attempts = attempts + 1, ts_attempted = now() where event_id = ?")) {
            statement.setObject(1, eventId);
            statement.executeUpdate();
        }
    }

    private static void markSent(Connection connection, UUID eventId, Position position) throws SQLException {
        try (var statement = connection.prepareStatement("""
                update outcome_outbox set ts_sent = now(), sent_partition = ?, sent_offset = ?
                where event_id = ? and ts_sent is null""")) {
            statement.setInt(1, position.partition());
            statement.setLong(2, position.offset());
            statement.setObject(3, eventId);
            statement.executeUpdate();
        }
    }
}
