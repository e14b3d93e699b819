package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.logging.RunContext;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The links job's producer side: streams the distinct links from the pointer on, in the stable order, as messages
 * of at most 100 links with a sequence number and an is-last-batch flag. Each window of messages is recorded in the
 * ledger before it is sent, so a consumer never persists a message the ledger does not know. Runs on its own
 * thread so the command listener stays free (a second START is refused, not queued).
 */
class LinkPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LinkPublisher.class);
    private static final int WINDOW = 500;

    private final LineageProperties settings;
    private final RunLedger ledger;
    private final LinkLedger links;
    private final PgConnector connector;
    private final MessagePublisher publisher;
    private final ProgressReporter progress;
    private final LineageFinisher finisher;
    private final LineageOutcomes outcomes;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "lineage-publisher"));
    private volatile boolean running = true;

    LinkPublisher(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                  MessagePublisher publisher, ProgressReporter progress, LineageFinisher finisher, LineageOutcomes outcomes) {
        this.settings = settings;
        this.ledger = ledger;
        this.links = links;
        this.connector = connector;
        this.publisher = publisher;
        this.progress = progress;
        this.finisher = finisher;
        this.outcomes = outcomes;
    }

    void publishInBackground(UUID runId) {
        executor.submit(RunContext.wrap(null, runId, () -> {
            try {
                publish(runId);
            } catch (Exception e) {
                if (!running) {
                    // Stopping is not failing: the run stays unfinished and the next start resumes it from the pointer.
                    log.info("Lineage run {}: publishing stopped by shutdown; a restart resumes from the pointer", runId);
                    return;
                }
                var run = ledger.find(runId).orElseThrow();
                outcomes.failed(runId, run.migrationId(), "publishing the links failed: " + e.getMessage(),
                        "fix the cause, then send StartLineageMigration again: it continues from the pointer, and what was "
                                + "persisted stays",
                        null, null);
            }
        }));
    }

    private void publish(UUID runId) throws Exception {
        var run = ledger.find(runId).orElseThrow();
        var command = MessageJson.mapper().readValue(run.command(), StartLineageMigration.class);
        var plan = MessageJson.mapper().readValue(run.plan(), LineagePlan.class);
        long from = Math.max(plan.startOrdinal(), links.pointer());
        log.info("Lineage run {}: publishing links from position {} ({} per message)", runId, from, plan.linksPerMessage());
        var batcher = new Batcher(run.migrationId(), runId, plan, from, run.startedAt(), run.planned());
        try (Connection source = connector.connect(command.source())) {
            LinkSource.workMem(source, settings.workMem());
            LinkSource.find(source, TableName.parse(settings.sourceTable())).stream(source, from, batcher::add);
        }
        batcher.finish();
        ledger.say(Jobs.links(runId), "Published " + plan.sourceLinks() + " links");
        ledger.advanceStage(runId, "PUBLISHING", "PERSISTING");
        log.info("Lineage run {}: published {} messages; consumers are persisting them", runId, batcher.messages);
        if (links.open(runId) == 0) {
            finisher.finish(runId);
        }
    }

    /** Cuts the stream into messages; a message is released only when the next link shows it is not the last. */
    private final class Batcher {
        private final String migrationId;
        private final UUID runId;
        private final LineagePlan plan;
        private final java.time.Instant startedAt;
        private final long planned;
        private final List<LinkBatch> window = new ArrayList<>(WINDOW);
        private List<Link> current = new ArrayList<>();
        private long nextOrdinal;
        private long messages;

        Batcher(String migrationId, UUID runId, LineagePlan plan, long from, java.time.Instant startedAt, long planned) {
            this.migrationId = migrationId;
            this.runId = runId;
            this.plan = plan;
            this.nextOrdinal = from;
            this.startedAt = startedAt;
            this.planned = planned;
        }

        void add(Link link) {
            if (current.size() == plan.linksPerMessage()) {
                release(false);
            }
            current.add(link);
        }

        void finish() throws Exception {
            if (!current.isEmpty()) {
                release(true);
            }
            flush();
        }

        private void release(boolean last) {
            int seq = (int) ((nextOrdinal - plan.startOrdinal()) / plan.linksPerMessage());
            window.add(new LinkBatch(runId, migrationId, seq, nextOrdinal, last, List.copyOf(current)));
            nextOrdinal += current.size();
            current = new ArrayList<>(plan.linksPerMessage());
            if (window.size() == WINDOW) {
                try {
                    flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }

        private void flush() throws Exception {
            if (window.isEmpty()) {
                return;
            }
            links.recordPublished(window);
            List<CompletableFuture<?>> sent = new ArrayList<>(window.size());
            for (LinkBatch batch : window) {
                // Keyed by message, so the messages of one run spread over every partition and consumer.
                sent.add(publisher.sendAsync(Topics.LINEAGE_WORK, runId + "/" + batch.seq(), batch));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
            messages += window.size();
            window.clear();
            progress.report(new Progress(migrationId, runId, "publishing", nextOrdinal - plan.startOrdinal(), planned,
                    "links", startedAt, messages + " messages sent"));
        }
    }

    /** Stops before anything else (highest phase), so the producer is still open while publishing winds down. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
