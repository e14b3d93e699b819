package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.throttle.ConsumerThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The links job's producer side: streams the distinct links after the pointer's key, in the stable order, as
 * messages of at most 100 links with a sequence number and an is-last-batch flag. Each window of messages is recorded
 * in the ledger before it is sent, so a consumer never persists a message the ledger does not know. Runs on its own
 * thread so the command listener stays free (a second START is refused, not queued), and only while this instance
 * holds the run's lease. A transient fault (a database or the broker away) is waited for with back-off, then
 * publishing goes on from the pointer; messages after it are superseded by their new copies.
 */
record LinkPublisher(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                     MessagePublisher publisher, ProgressReporter progress, LineageFinisher finisher,
                     LineageOutcomes outcomes, RunLease lease, ConsumerThrottle throttle, CommandThreads thread) {

    private static final Logger log = LoggerFactory.getLogger(LinkPublisher.class);
    private static final int WINDOW = 500;
    /** With throttling on: a fifth of the heap per window, and a look at the heap five times as often. */
    private static final int THROTTLED_WINDOW = 100;
    /**
     * Windows sent and not yet acknowledged while the next is read: the source stream, the ledger and the broker then
     * work at once instead of in turn. Bounded, so a slow broker holds back the reading, not the heap; with throttling
     * on, one: memory is what the operator asked to save, and four windows of 500 messages are most of what the
     * publisher holds.
     */
    private static final int WINDOWS_IN_FLIGHT = 4;

    /** Whether this instance is publishing the run now. */
    boolean publishing(UUID runId) {
        return thread.running(runId);
    }

    /** Whether this instance still takes runs to publish: false once the service is stopping. */
    boolean accepting() {
        return !stopping();
    }

    private boolean stopping() {
        return thread.stopping();
    }

    /** Publishes the run on the publisher thread; the caller holds the run's lease. */
    void publishInBackground(UUID runId) {
        if (stopping() || publishing(runId)) {
            return;
        }
        try {
            thread.submit("Publishing", null, runId, null, () -> publishWithRetries(runId));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // stopping: the run stays unfinished and its lease runs out; the next instance resumes it
        }
    }

    private void publishWithRetries(UUID runId) {
        Instant giveUp = Instant.now().plus(settings.publishRetryFor());
        long wait = settings.publishRetryInterval().toMillis();
        String lastFault = null;
        while (true) {
            if (!lease.holds(runId)) {
                log.warn("Lineage run {}: this instance no longer holds the run's lease; it stops publishing", runId);
                return;
            }
            try {
                publish(runId, lastFault);
                return;
            } catch (Exception e) {
                if (stopping() || e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                    // Stopping is not failing: the run stays unfinished and its lease runs out; the next instance resumes it.
                    log.info("Lineage run {}: publishing stopped by shutdown; another or a restarted instance resumes it "
                            + "from the pointer once the lease expires", runId);
                    return;
                }
                if (!lease.holds(runId)) {
                    continue;
                }
                String waitingFor = TransientFaults.waitingFor(e);
                if (waitingFor == null || Instant.now().isAfter(giveUp)) {
                    fail(runId, e, waitingFor);
                    return;
                }
                lastFault = waitingFor;
                log.warn("Lineage run {}: publishing interrupted; waiting {} ms for {}, then publishing again from the pointer",
                        runId, wait, waitingFor);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    log.info("Lineage run {}: publishing stopped by shutdown while waiting", runId);
                    return;
                }
                wait = Math.min(wait * 2, settings.publishRetryMaxInterval().toMillis());
            }
        }
    }

    private void fail(UUID runId, Exception e, String waitingFor) {
        lease.release(runId);
        var run = ledger.find(runId).orElseThrow();
        outcomes.failed(runId, run.migrationId(), "publishing the links failed: " + e.getMessage()
                        + (waitingFor == null ? "" : " (still waiting for " + waitingFor + " after " + settings.publishRetryFor() + ")"),
                "fix the cause, then send StartLineageMigration again: it continues from the pointer, and what was "
                        + "persisted stays",
                null, null);
    }

    private void publish(UUID runId, String resumedAfter) throws Exception {
        var run = ledger.find(runId).orElseThrow();
        if (run.finished() || !"PUBLISHING".equals(run.stage())) {
            return;
        }
        var command = MessageJson.mapper().readValue(run.command(), StartLineageMigration.class);
        var plan = MessageJson.mapper().readValue(run.plan(), LineagePlan.class);
        int superseded = links.supersedeAfterPointer(runId);
        var pointer = links.pointerWithKey();
        long from = Math.max(plan.startOrdinal(), pointer.position());
        int seq = links.nextSeq(runId);
        String message = "Publishing links after " + (pointer.key() == null ? "the start" : "key " + pointer.key())
                + " (position " + from + ", " + plan.linksPerMessage() + " per message, from message " + seq + ")"
                + (superseded > 0 ? "; " + superseded + " messages after the pointer superseded" : "")
                + (resumedAfter == null ? "" : "; resumed after waiting for " + resumedAfter);
        log.info("Lineage run {}: {}", runId, message);
        if (seq > 0 || resumedAfter != null) {
            ledger.say(Jobs.links(runId), message);
        }
        if (from > 0 || seq > 0) {
            // Publishing again: links after the pointer may be in the edge table already, written by messages now
            // superseded, so their new copies must meet the edge key rather than be written twice.
            try (Connection target = connector.connect(command.target())) {
                long built = EdgeKey.build(target, settings.workMem());
                if (built >= 0) {
                    String keyed = "Built the edge table's primary key in " + built + " ms, before publishing again";
                    log.info("Lineage run {}: {}", runId, keyed);
                    ledger.say(runId, keyed);
                }
            }
        }
        var batcher = new Batcher(run.migrationId(), runId, plan, from, seq, run.startedAt(), run.planned());
        long streamed;
        try (Connection source = connector.connect(command.source())) {
            LinkSource.workMem(source, settings.workMem());
            streamed = LinkSource.find(source, TableName.parse(settings.sourceTable())).stream(source, pointer.key(), batcher::add);
        }
        if (stopping() || Thread.currentThread().isInterrupted()) {
            // A stream cut short by a shutdown must never count as every link published.
            throw new InterruptedException("publishing stopped by shutdown");
        }
        batcher.counted(streamed);
        batcher.finish();
        ledger.say(Jobs.links(runId), "Published " + batcher.published + " links");
        ledger.advanceStage(runId, "PUBLISHING", "PERSISTING");
        log.info("Lineage run {}: published {} messages; consumers are persisting them", runId, batcher.messages);
        lease.release(runId);
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
        private long planned;
        private final List<LinkBatch> window = new ArrayList<>(WINDOW);
        private final java.util.ArrayDeque<Sent> inFlight = new java.util.ArrayDeque<>();
        private List<Link> current = new ArrayList<>();
        private long nextOrdinal;
        private int nextSeq;
        private long messages;
        private long published;

        Batcher(String migrationId, UUID runId, LineagePlan plan, long from, int seq, java.time.Instant startedAt, long planned) {
            this.migrationId = migrationId;
            this.runId = runId;
            this.plan = plan;
            this.nextOrdinal = from;
            this.nextSeq = seq;
            this.startedAt = startedAt;
            this.planned = planned;
        }

        /** The stream's exact size, known once it ended: the run's planned total from here on, in place of the estimate. */
        void counted(long links) {
            long from = nextOrdinal - published;
            planned = from - plan.startOrdinal() + links;
            ledger.replan(planned, runId, Jobs.links(runId), Jobs.linkNodes(runId));
            String message = String.format(java.util.Locale.ROOT, "Counted %,d distinct links published from position %,d: "
                    + "%,d links planned for this run", links, from, planned);
            log.info("Lineage run {}: {}", runId, message);
            ledger.say(Jobs.links(runId), message);
        }

        void add(Link link) {
            if (stopping()) {
                throw new IllegalStateException("publishing stopped by shutdown");
            }
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
            while (!inFlight.isEmpty()) {
                acknowledged(inFlight.poll());
            }
        }

        private void release(boolean last) {
            window.add(new LinkBatch(runId, migrationId, nextSeq++, nextOrdinal, last, List.copyOf(current)));
            nextOrdinal += current.size();
            published += current.size();
            current = new ArrayList<>(plan.linksPerMessage());
            if (window.size() == (throttle.enabled() ? THROTTLED_WINDOW : WINDOW)) {
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
            if (!lease.holds(runId)) {
                throw new IllegalStateException("the lease of lineage run " + runId + " was taken by another instance");
            }
            // With throttling on, the publisher takes breaks too: its windows fill the heap the consumers' breaks hold.
            throttle.breakIfTight("the lineage publisher", LinkPublisher.this::accepting, java.time.Duration.ofMinutes(1));
            links.recordPublished(window);
            List<CompletableFuture<?>> sent = new ArrayList<>(window.size());
            for (LinkBatch batch : window) {
                // Keyed by message, so the messages of one run spread over every partition and consumer.
                sent.add(publisher.sendAsync(Topics.LINEAGE_WORK, runId + "/" + batch.seq(), batch));
            }
            inFlight.add(new Sent(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)), window.size(), nextOrdinal));
            window.clear();
            while (inFlight.size() > (throttle.enabled() ? 1 : WINDOWS_IN_FLIGHT)) {
                acknowledged(inFlight.poll());
            }
        }

        /** Waits for a window's acknowledgements (a failed send throws here), then reports the progress they make. */
        private void acknowledged(Sent window) throws Exception {
            window.acks().get();
            messages += window.messages();
            long done = window.throughOrdinal() - plan.startOrdinal();
            if (done > planned) {
                // Past the planner's estimate: the total is at least what is out already, until the stream's count.
                planned = done;
                ledger.replan(planned, runId, Jobs.links(runId), Jobs.linkNodes(runId));
            }
            progress.report(new Progress(migrationId, runId, "publishing", done, planned, "links", startedAt,
                    messages + " messages sent"));
        }
    }

    /** A window handed to the producer: its acknowledgements, its size, and the position after its last link. */
    private record Sent(CompletableFuture<Void> acks, int messages, long throughOrdinal) {
    }
}
