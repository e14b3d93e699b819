package io.catalogmigration.replicator;

import io.catalogmigration.common.contract.CheckReplication;
import io.catalogmigration.common.contract.ReplicateCommand;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Batch;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.PgErrors;
import io.catalogmigration.common.pg.Sql;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.verify.Applied;
import io.catalogmigration.common.verify.ChangeLog;
import io.catalogmigration.common.verify.ChunkVerifier;
import io.catalogmigration.common.verify.VerificationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares one work message's chunks (at most 100), each recorded on the target as verified with what it found before
 * the next; a chunk verified before a crash or by another instance is not compared again, so a redelivered message or
 * a restart resumes where the pass stood.
 */
class VerifyWorker {

    private static final Logger log = LoggerFactory.getLogger(VerifyWorker.class);

    private final ReplicatorProperties settings;
    private final PgConnector connector;
    private final RunLedger ledger;
    private final ProgressReporter progress;
    private final String instance = ReplicateWorkHandler.instanceName();

    VerifyWorker(ReplicatorProperties settings, PgConnector connector, RunLedger ledger, ProgressReporter progress) {
        this.settings = settings;
        this.connector = connector;
        this.ledger = ledger;
        this.progress = progress;
    }

    /** {@code run}: the unfinished verification run whose open {@code batch} a work message names (see {@link ReplicateWorkHandler}). */
    void handle(Run run, Batch batch) {
        var command = (CheckReplication) MessageJson.mapper().readValue(run.command(), ReplicateCommand.class);
        String database = command.source().database();
        List<VerifyChunk> chunks = List.of(MessageJson.mapper().readValue(batch.payload(), VerifyChunk[].class));
        long bytes = 0;
        int differingRows = 0;
        try (Connection source = connector.connect(command.source());
             Connection target = connector.connect(command.target().withDatabase(database))) {
            var verifier = new ChunkVerifier(source, target, Applied.of(source, target, database,
                    settings.verify().applyTimeout()));
            String frontier = ChangeLog.frontier(target);
            Set<String> done = new HashSet<>(Sql.strings(target, "select tab || '#' || seq from migration_verify.verified_chunk"));
            // Most chunks agree at the first reading and are recorded at once, so a restart loses little; the others
            // are settled together at the end, with one wait for the target per round for all of them.
            Map<ChunkVerifier.Chunk, VerifyChunk> differing = new LinkedHashMap<>();
            for (VerifyChunk chunk : chunks) {
                bytes += chunk.bytes();
                if (done.contains(chunk.table().name() + "#" + chunk.seq())) {
                    continue;
                }
                var range = new ChunkVerifier.Chunk(chunk.table(), chunk.lo(), chunk.hi());
                var rows = verifier.agree(range);
                if (rows.isPresent()) {
                    VerificationState.recordChunk(target, chunk.table().name(), chunk.seq(), rows.get(), chunk.bytes(), instance);
                } else {
                    differing.put(range, chunk);
                }
            }
            if (!differing.isEmpty()) {
                var settled = verifier.settle(List.copyOf(differing.keySet()), frontier);
                for (var entry : differing.entrySet()) {
                    VerifyChunk chunk = entry.getValue();
                    VerificationState.recordChunk(target, chunk.table().name(), chunk.seq(),
                            settled.rows().getOrDefault(entry.getKey(), 0L), chunk.bytes(), instance);
                }
                VerificationState.recordDifferences(target, settled.differences());
                differingRows = settled.differences().size();
                if (!settled.differences().isEmpty()) {
                    log.warn("Verification of {}: {} row(s) differ: {}", database, settled.differences().size(),
                            settled.differences().stream().limit(5).map(d -> d.describe()).toList());
                }
            }
        } catch (SQLException e) {
            if (PgErrors.transientFault(e)) {
                throw new IllegalStateException("verification message " + batch.seq() + " of " + database
                        + " hit a transient fault and will be retried: " + PgErrors.serverMessage(e), e);
            }
            String reason = "comparing chunks of " + database + " failed: " + PgErrors.serverMessage(e) + " (SQLSTATE "
                    + e.getSQLState() + ")";
            log.error("Verification run {}: {}. A table changed shape or was dropped? ResetReplication and StartReplication "
                    + "verify anew", run.runId(), reason);
            ledger.finish(run.runId(), RunStatus.FAILED, reason + "; fix the cause (a table dropped or altered on one side), "
                    + "then ResetReplication and StartReplication for this database", "{}");
            return;
        }
        var completion = ledger.complete(batch.runId(), batch.seq(), bytes);
        progress.report(new Progress(run.migrationId(), run.runId(), "verify", completion.runDone(), completion.planned(),
                "bytes", run.startedAt(), database + ": online verification" + (differingRows > 0 ? ", " + differingRows
                + " row(s) differ in the last message" : "")));
        if (completion.phaseComplete()) {
            ledger.finish(run.runId(), RunStatus.SUCCEEDED, "online pass of " + database + " complete", "{}");
            log.info("Verification of {}: online pass complete", database);
        }
    }
}
