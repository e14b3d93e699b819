package io.catalogmigration.lineage;

import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.Run;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.UnfinishedRuns;
import io.catalogmigration.common.ledger.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every instance watches the unfinished lineage runs, at start and then every half lease: a run in PUBLISHING whose
 * lease has expired (its publisher died or stopped) is taken over and published on from the pointer, with a log line
 * naming the instance it is taken from; a run whose messages are all persisted but which is not finished (its
 * validator died, or validation met a fault) is validated; a run whose open messages nobody will persist (the work
 * topic is drained) has them published again ({@link UnpersistedMessages}). A run still preparing when the service
 * stopped is prepared again at start.
 *
 * <p>Outcomes are not this class's: a run whose outcome is recorded is finished and passed by, and an outcome recorded
 * but not yet on the topic is published by common's OutcomeRelay.
 */
class LineageRecovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LineageRecovery.class);

    private final RunLedger ledger;
    private final LinkLedger links;
    private final LineageStarter starter;
    private final LinkPublisher publisher;
    private final LineageFinisher finisher;
    private final RunLease lease;
    private final UnpersistedMessages unpersisted;
    private final Duration every;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "lineage-watch");
        thread.setDaemon(true);
        return thread;
    });

    LineageRecovery(RunLedger ledger, LinkLedger links, LineageStarter starter, LinkPublisher publisher, LineageFinisher finisher,
                    RunLease lease, UnpersistedMessages unpersisted, Duration leaseTtl) {
        this.ledger = ledger;
        this.links = links;
        this.starter = starter;
        this.publisher = publisher;
        this.finisher = finisher;
        this.lease = lease;
        this.unpersisted = unpersisted;
        this.every = Duration.ofMillis(Math.max(200, leaseTtl.toMillis() / 2));
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinishedRuns() {
        // A run still preparing when the service stopped is prepared again; the others are the watch's.
        UnfinishedRuns.resume(ledger, Jobs.RUN_KIND, run -> run.state() != RunState.QUEUED,
                run -> starter.prepare(MessageJson.mapper().readValue(run.command(), StartLineageMigration.class)),
                "restart the service to try again");
        watcher.scheduleWithFixedDelay(this::watch, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void watch() {
        try {
            var unfinished = ledger.unfinished(Jobs.RUN_KIND);
            unpersisted.keepOnly(unfinished.stream().map(Run::runId).toList());
            for (Run run : unfinished) {
                if (run.state() != RunState.STARTED) {
                    continue;
                }
                if ("PUBLISHING".equals(run.stage())) {
                    takeOverPublishing(run);
                    continue;
                }
                long open = "VALIDATING".equals(run.stage()) ? 0 : links.open(run.runId());
                if (open == 0) {
                    finisher.finish(run.runId());
                } else if ("PERSISTING".equals(run.stage())) {
                    unpersisted.look(run, open);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Watching the lineage runs failed ({}); looking again in {} ms", e.getMessage(), every.toMillis());
        }
    }

    private void takeOverPublishing(Run run) {
        if (!publisher.accepting() || publisher.publishing(run.runId())) {
            return;
        }
        var taken = lease.acquire(run.runId());
        if (taken == null) {
            return;
        }
        if (taken.from() != null) {
            log.warn("Taking over lineage run {} of migration {}: its publisher {} stopped renewing its lease (expired {}); "
                    + "publishing goes on from pointer {} on this instance ({})", run.runId(), run.migrationId(), taken.from(),
                    taken.expiredAt(), links.pointer(), lease.owner());
            ledger.say(Jobs.links(run.runId()), "Taken over by " + lease.owner() + " from " + taken.from()
                    + ", whose lease expired at " + taken.expiredAt());
        } else {
            log.info("Resuming lineage run {} of migration {} from pointer {}", run.runId(), run.migrationId(), links.pointer());
        }
        publisher.publishInBackground(run.runId());
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
