package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunState;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.verify.Applied;
import io.catalogmigration.common.verify.ChangeLog;
import io.catalogmigration.common.verify.DeltaPass;
import io.catalogmigration.common.verify.Difference;
import io.catalogmigration.common.verify.Relation;
import io.catalogmigration.common.verify.RowHashing;
import io.catalogmigration.common.verify.VerificationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The online verification of one database, moved on by each CheckReplication once every table is ready: the first
 * check plans the pass (chunks from a sample of each table's keys on the source, the change log on the target) and
 * publishes it as work; later checks publish what was never sent and report progress; once the pass is complete each
 * check runs a delta pass over the rows changed since, so that the cutover's window has only the last moments to check.
 */
record OnlineVerification(ReplicatorProperties settings, PgConnector connector, RunLedger ledger,
                          ReplicationStore store, MessagePublisher publisher, ProgressReporter progress) {

    static final String KIND = "verify";
    private static final Logger log = LoggerFactory.getLogger(OnlineVerification.class);

    /** The verification run of the replication that set this database up (a new StartReplication: a new run). */
    UUID runId(String migrationId, String database) {
        UUID started = store.startedRun(migrationId, database).orElse(null);
        return UUID.nameUUIDFromBytes((KIND + "|" + migrationId + "|" + database + "|" + started).getBytes(StandardCharsets.UTF_8));
    }

    VerificationReport advance(CheckReplication command) throws SQLException {
        String database = command.source().database();
        UUID runId = runId(command.migrationId(), database);
        try (Connection source = connector.connect(command.source());
             Connection target = connector.connect(command.target().withDatabase(database))) {
            var run = ledger.find(runId);
            VerificationState state = VerificationState.read(target);
            if (run.isEmpty() || run.get().state() == RunState.QUEUED || !state.planned()) {
                if (state.planned()) {
                    // The target has a pass this ledger does not know (its record was lost): start it again, cleanly,
                    // keeping the large objects', the views' and the copy's records beside it.
                    ChangeLog.reset(target);
                }
                int chunks = plan(command, runId, source, target);
                return report(VerificationReport.VERIFYING, VerificationState.read(target), 0,
                        "online pass planned: " + chunks + " chunks published to " + Topics.REPLICATE_WORK);
            }
            if (run.get().finished() && run.get().status() == RunStatus.FAILED) {
                return report(VerificationReport.FAILED, state, 0, run.get().stateMessage());
            }
            if (!state.passComplete()) {
                publishPending(runId);
                return report(VerificationReport.VERIFYING, state, 0, "online pass: %d/%d chunks verified (by instance: %s)"
                        .formatted(state.chunksDone(), state.chunksPlanned(), state.byInstance()));
            }
            DeltaPass delta;
            try {
                delta = DeltaPass.run(source, target, Applied.of(source, target, database, settings.verify().applyTimeout()));
            } catch (DeltaPass.NotStarted e) {
                return report(VerificationReport.NOT_STARTED, VerificationState.NONE, 0, e.getMessage());
            }
            state = VerificationState.read(target);
            String detail = "delta pass re-checked %,d changed rows in %d ms (%d still changing)".formatted(delta.rows(),
                    delta.millis(), delta.deferred());
            log.info("Verification of {}: {}; {} difference(s) recorded", database, detail, state.differences().size());
            return report(state.differences().isEmpty() ? VerificationReport.VERIFIED : VerificationReport.DIFFERENT, state,
                    delta.rows(), detail);
        }
    }

    private int plan(CheckReplication command, UUID runId, Connection source, Connection target) throws SQLException {
        // Opened first, so that its start time covers the sampling and the change log; until it is started with its
        // batches, a later check plans it again from the beginning.
        ledger.open(runId, command.migrationId(), KIND, MessageJson.mapper().writerFor(
                io.catalogmigration.common.contract.ReplicateCommand.class).writeValueAsString(command));
        RowHashing.prepareSession(source);
        List<ChangeLog.Planned> planned = new ArrayList<>();
        List<VerifyChunk> chunks = new ArrayList<>();
        long chunkBytes = settings.verify().chunk().toBytes();
        for (Relation table : Relation.published(source, command.source().database())) {
            int wanted = (int) Math.min(settings.verify().maxChunks(), Math.max(1, (table.bytes() + chunkBytes - 1) / chunkBytes));
            var cuts = RowHashing.boundaries(source, table, wanted);
            int count = cuts.size() + 1;
            for (int i = 0; i < count; i++) {
                chunks.add(new VerifyChunk(table, i, i == 0 ? null : cuts.get(i - 1), i == cuts.size() ? null : cuts.get(i),
                        table.bytes() / count));
            }
            planned.add(new ChangeLog.Planned(table, count));
        }
        ChangeLog.install(target, planned);
        List<Batch> batches = new ArrayList<>();
        for (var part : WorkSharing.balance(chunks, VerifyChunk::bytes, settings.itemsPerMessage(), settings.verify().partitions())) {
            batches.add(new Batch(runId, batches.size(), 0, Batch.PLANNED, part.size(), 0,
                    MessageJson.mapper().writeValueAsString(part)));
        }
        long bytes = chunks.stream().mapToLong(VerifyChunk::bytes).sum();
        ledger.start(runId, "VERIFYING", bytes, "{\"tables\": " + planned.size() + ", \"chunks\": " + chunks.size() + "}", batches);
        log.info("Verification of {}: {} tables in {} chunks ({} MB), change log on the target", command.source().database(),
                planned.size(), chunks.size(), bytes >> 20);
        progress.announce(new Progress(command.migrationId(), runId, "verify", 0, bytes, "bytes", Instant.now(),
                command.source().database() + ": online pass of " + planned.size() + " tables, " + chunks.size() + " chunks"));
        if (batches.isEmpty()) {
            ledger.finish(runId, RunStatus.SUCCEEDED, "nothing to verify: the publication has no tables", "{}");
        }
        publishPending(runId);
        return chunks.size();
    }

    void publishPending(UUID runId) {
        WorkRuns.publishPending(ledger, publisher, runId, settings.verify().partitions());
    }

    private static VerificationReport report(String answer, VerificationState state, long deltaRows, String detail) {
        List<String> differences = state.differences().stream().limit(20).map(Difference::describe).toList();
        return new VerificationReport(answer, state.chunksDone(), state.chunksPlanned(), state.rowsOnline(), state.bytesDone(),
                differences, state.deltaPasses(), deltaRows, detail + (state.differences().isEmpty() ? ""
                : "; " + state.differences().size() + " row(s) differ: the target is not a faithful copy; fix or reset "
                + "(ResetReplication, then StartReplication); a row fixed on the target is checked again by the next pass"));
    }

}
