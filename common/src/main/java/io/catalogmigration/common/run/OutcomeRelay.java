package io.catalogmigration.common.run;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.catalogmigration.common.ledger.OutcomeOutbox;
import io.catalogmigration.common.ledger.OutcomeOutbox.Pending;
import io.catalogmigration.common.ledger.OutcomeOutbox.Position;
import io.catalogmigration.common.logging.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the outcomes recorded in the outbox and marks them sent: one thread per service instance, woken when a
 * run finishes and looking every {@code migration.outbox.poll-interval} for what another instance (or this one before
 * a restart) left pending. A pending outcome whose send was begun before may be on the topic already (the relay died
 * between the broker's ack and the mark, or a send timed out): it is looked for there by its event id first, and sent
 * again only if it is not found. So each outcome is on the topic exactly once.
 */
public class OutcomeRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRelay.class);
    private static final int BATCH = 100;

    private final OutcomeOutbox outbox;
    private final MessagePublisher publisher;
    private final OutcomeSearch search;
    private final Duration pollInterval;
    /** How far before an outcome was recorded a search starts: clocks of the ledger and the brokers differ. */
    private final Duration clockSkew;
    private final Map<UUID, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private volatile Thread thread;
    private volatile boolean running;

    OutcomeRelay(OutcomeOutbox outbox, MessagePublisher publisher, OutcomeSearch search, Duration pollInterval,
                 Duration clockSkew) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.search = search;
        this.pollInterval = pollInterval;
        this.clockSkew = clockSkew;
    }

    public OutcomeRelay(OutcomeOutbox outbox, MessagePublisher publisher, Map<String, Object> consumerProperties,
                        Duration pollInterval, Duration clockSkew, Duration searchTimeout) {
        this(outbox, publisher, new OutcomeSearch(consumerProperties, searchTimeout), pollInterval, clockSkew);
    }

    /**
     * Wakes the relay for an outcome just recorded and waits up to {@code timeout} for it to be on the topic; false
     * when it is not yet (it stays pending and is published when the broker can be reached).
     */
    boolean awaitRelayed(UUID eventId, Duration timeout) {
        if (!running) {
            return false;
        }
        var relayed = awaited.computeIfAbsent(eventId, id -> new CompletableFuture<>());
        signal();
        try {
            relayed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            awaited.remove(eventId);
        }
    }

    private void signal() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            boolean failed = false;
            try {
                relayPending();
            } catch (RuntimeException e) {
                failed = true;
                log.warn("Relaying the pending outcomes failed ({}); trying again in {} ms", ErrorText.rootCause(e),
                        pollInterval.toMillis());
            }
            // Someone waiting for an outcome that another instance holds: look again soon, not at the next poll.
            long pause = !failed && !awaited.isEmpty() ? Math.min(50, pollInterval.toMillis()) : pollInterval.toMillis();
            synchronized (wake) {
                try {
                    if (running) {
                        wake.wait(pause);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void relayPending() {
        for (UUID eventId : outbox.pending(BATCH)) {
            if (!running) {
                return;
            }
            PausePoint.reach(PausePoint.OUTCOME_RECORDED);
            outbox.relay(eventId, this::relay);
        }
        awaited.forEach((eventId, relayed) -> {
            if (outbox.sent(eventId)) {
                relayed.complete(null);
            }
        });
    }

    private Position relay(Pending outcome) {
        if (outcome.mayBeOnTheTopic()) {
            var found = search.find(outcome.topic(), outcome.eventId(), outcome.recorded().minus(clockSkew));
            if (found.isPresent()) {
                log.info("Outcome {} of run {} is on {} already (partition {}, offset {}): an earlier send reached the "
                        + "broker before it could be marked; marked now, not sent again", outcome.eventId(), outcome.runId(),
                        outcome.topic(), found.get().partition(), found.get().offset());
                return found.get();
            }
            log.info("Outcome {} of run {} is not on {} after {} earlier send(s): sending it", outcome.eventId(),
                    outcome.runId(), outcome.topic(), outcome.attempts());
        }
        var event = MessageJson.mapper().readValue(outcome.payload(), OutcomeEvent.class);
        var sent = publisher.sendConfirmed(outcome.topic(), outcome.key(), event);
        PausePoint.reach(PausePoint.OUTCOME_SENT);
        return new Position(sent.partition(), sent.offset());
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "outcome-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        var stopping = thread;
        if (stopping != null) {
            stopping.interrupt();
            try {
                stopping.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread = null;
    }

    /** Started before the listeners and stopped after them, so that a run finishing while they stop is relayed. */
    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
