package io.catalogmigration.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where one database's replication stands.
 *
 * @param answer          the runbook's answer: NEED_TO_WAIT or STOP_WAITING (every table ready, lag under the
 *                        threshold, every index built, and a whole verified pass without a difference)
 * @param tables          each subscribed table's sync state
 * @param lagBytes        WAL the subscription has not confirmed yet (source's current LSN minus the slot's confirmed flush)
 * @param indexesCreated  deferred indexes built so far
 * @param indexesTotal    deferred indexes in all
 * @param postDataDone    deferred statements (indexes, constraints, triggers, ...) applied so far
 * @param postDataTotal   deferred statements in all
 * @param failures        each failed deferred statement, named, with the server's reason
 * @param verification    where the comparison of every row between source and target stands
 * @param schemaDifferences DDL on the source since replication started (a column added, a table created, ...), each
 *                        with the statement that brings the target level; while there is one the answer is NEED_TO_WAIT
 * @param copiedObjects   what logical replication does not carry and this check carried: the large objects (changes
 *                        since the last check copied, content hashes of those compared) and materialized views
 *                        (populated once every table is ready and the post-data is built)
 */
public record ReplicationStatusReported(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String database,
                                        String answer, List<TableSync> tables, long lagBytes, int indexesCreated,
                                        int indexesTotal, int postDataDone, int postDataTotal, List<String> failures,
                                        VerificationReport verification, List<CopiedObject> copiedObjects,
                                        List<String> schemaDifferences)
        implements OutcomeEvent {

    public ReplicationStatusReported {
        copiedObjects = copiedObjects == null ? List.of() : List.copyOf(copiedObjects);
        schemaDifferences = schemaDifferences == null ? List.of() : List.copyOf(schemaDifferences);
    }

    /** A database with no large object and no materialized view, and no DDL since the start. */
    public ReplicationStatusReported(UUID eventId, String migrationId, Instant occurredAt, UUID runId, String database,
                                     String answer, List<TableSync> tables, long lagBytes, int indexesCreated,
                                     int indexesTotal, int postDataDone, int postDataTotal, List<String> failures,
                                     VerificationReport verification) {
        this(eventId, migrationId, occurredAt, runId, database, answer, tables, lagBytes, indexesCreated, indexesTotal,
                postDataDone, postDataTotal, failures, verification, List.of(), List.of());
    }

    public static final String NEED_TO_WAIT = "NEED_TO_WAIT";
    public static final String STOP_WAITING = "STOP_WAITING";
}
