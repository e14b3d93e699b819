package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.WorkBatches;
import io.catalogmigration.common.pg.PgErrors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgPools;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persists a poll's worth of link messages in one transaction on the lineage database, then records them and moves
 * the pointer in the control database. A crash between the two is harmless: the redelivered messages find themselves
 * in link_message there already, so their links are not written again, and they are only recorded.
 */
class LinkConsumer {

    private static final Logger log = LoggerFactory.getLogger(LinkConsumer.class);

    private final RunLedger ledger;
    private final LinkLedger links;
    private final PgPools pools;
    private final ProgressReporter progress;
    private final LineageFinisher finisher;
    private final String instance;
    private final Map<UUID, PgEndpoint> targets = new ConcurrentHashMap<>();

    LinkConsumer(RunLedger ledger, LinkLedger links, PgPools pools, ProgressReporter progress, LineageFinisher finisher,
                 String instance) {
        this.ledger = ledger;
        this.links = links;
        this.pools = pools;
        this.progress = progress;
        this.finisher = finisher;
        this.instance = instance;
    }

    /** A poll from the work topic: its readable messages persisted, an unreadable one dead-lettered (WorkBatches). */
    void persistPoll(List<ConsumerRecord<String, LinkBatch>> records) {
        try {
            WorkBatches.handle(records, LinkBatch.class, this::persist);
        } catch (SQLException e) {
            // The error handler retries with back-off, then dead-letters; the cause keeps the SQLSTATE.
            throw new IllegalStateException("persisting lineage links failed: " + PgErrors.describe(e), e);
        }
    }

    void persist(List<LinkBatch> batches) throws SQLException {
        Map<UUID, List<LinkBatch>> byRun = new LinkedHashMap<>();
        batches.forEach(b -> byRun.computeIfAbsent(b.runId(), id -> new ArrayList<>()).add(b));
        for (var entry : byRun.entrySet()) {
            persist(entry.getKey(), entry.getValue());
        }
    }

    private void persist(UUID runId, List<LinkBatch> batches) throws SQLException {
        var run = ledger.find(runId).orElse(null);
        if (run == null || run.finished()) {
            log.warn("Lineage run {} is {}: {} messages of it are ignored", runId, run == null ? "unknown here" : "finished",
                    batches.size());
            return;
        }
        long started = System.nanoTime();
        var done = links.done(runId, batches.stream().map(LinkBatch::seq).toList());
        var fresh = batches.stream().filter(b -> !done.contains(b.seq())).toList();
        if (!fresh.isEmpty()) {
            try (Connection target = pools.connect(target(run))) {
                target.setAutoCommit(false);
                try {
                    GraphWriter.write(target, runId, fresh);
                    target.commit();
                } catch (SQLException | RuntimeException e) {
                    target.rollback();
                    throw e;
                }
            }
        }
        long written = System.nanoTime();
        var persisted = links.markPersisted(runId, fresh, instance);
        if (log.isDebugEnabled()) {
            log.debug("Persisted {} messages ({} links) in {} ms, recorded in {} ms", fresh.size(), persisted.links(),
                    (written - started) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
        }
        progress.report(new Progress(run.migrationId(), runId, "persisting", persisted.runDone(), run.planned(), "links",
                run.startedAt(), "pointer at " + persisted.pointer()));
        if (persisted.open() == 0) {
            finisher.finish(runId);
        }
    }

    private PgEndpoint target(Run run) {
        return targets.computeIfAbsent(run.runId(),
                id -> MessageJson.mapper().readValue(run.command(), StartLineageMigration.class).target());
    }
}
