package io.catalogmigration.common.progress;

import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessagePublisher;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emits {@link ProgressReported} events and a readable log line, at most once per interval per run and phase
 * (the first and the last report of a phase always go out). Rate and ETA are computed from the run's start, so
 * several instances reporting the same run from the ledger's totals agree.
 */
public class ProgressReporter {

    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);
    /**
     * A run and phase not reported for this long is dropped (its send time and gauges). The instance that ends a run
     * drops its send times at once (RunOutcomes); this bounds the maps on the other instances, whose workers reported
     * the run's batches but never see its end, and lets an ended run's gauges be scraped a last time before they go.
     */
    static final Duration STALE = Duration.ofHours(1);

    private final MessagePublisher publisher;
    private final String service;
    private final Duration minInterval;
    private final Clock clock;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
    private final ProgressMeters meters;
    private volatile Instant lastSweep = Instant.MIN;

    public ProgressReporter(MessagePublisher publisher, String service, Duration minInterval, Clock clock) {
        this(publisher, service, minInterval, clock, null);
    }

    /** @param meters where each report also sets its run's progress gauges; null for none */
    public ProgressReporter(MessagePublisher publisher, String service, Duration minInterval, Clock clock,
                            MeterRegistry meters) {
        this.publisher = publisher;
        this.service = service;
        this.minInterval = minInterval;
        this.clock = clock;
        this.meters = meters == null ? null : new ProgressMeters(meters);
    }

    /** Reports if the interval has passed since the last report of this run and phase, or if the phase is done. */
    public void report(Progress progress) {
        Instant now = clock.instant();
        String key = progress.runId() + "/" + progress.phase();
        boolean finished = progress.total() > 0 && progress.done() >= progress.total();
        Instant previous = lastSent.get(key);
        if (!finished && previous != null && Duration.between(previous, now).compareTo(minInterval) < 0) {
            return;
        }
        lastSent.put(key, now);
        send(progress, now);
        sweep(now);
    }

    /** Reports now, whatever the interval: for phase changes and messages an operator must see. */
    public void announce(Progress progress) {
        Instant now = clock.instant();
        lastSent.put(progress.runId() + "/" + progress.phase(), now);
        send(progress, now);
        sweep(now);
    }

    /** A run ended: its send times go now; its gauges keep their last values until they are stale. */
    public void ended(UUID runId) {
        lastSent.keySet().removeIf(key -> key.startsWith(runId + "/"));
    }

    /** Drops everything kept of a run at once, gauges included. */
    public void forget(UUID runId) {
        lastSent.keySet().removeIf(key -> key.startsWith(runId + "/"));
        if (meters != null) meters.forget(runId + "/");
    }

    /** The runs and phases kept now, as {@code runId/phase}. */
    int tracked() {
        return lastSent.size();
    }

    private void sweep(Instant now) {
        if (Duration.between(lastSweep, now).compareTo(STALE.dividedBy(60)) < 0) {
            return;
        }
        lastSweep = now;
        Instant horizon = now.minus(STALE);
        lastSent.values().removeIf(sent -> sent.isBefore(horizon));
        if (meters != null) meters.forgetOlderThan(horizon);
    }

    private void send(Progress p, Instant now) {
        double seconds = Math.max(0.001, Duration.between(p.startedAt(), now).toMillis() / 1000.0);
        double rate = p.done() / seconds;
        Long eta = rate > 0 && p.total() >= p.done() ? Math.round((p.total() - p.done()) / rate) : null;
        var event = new ProgressReported(UUID.randomUUID(), p.migrationId(), now, service, p.runId(), p.phase(),
                p.done(), p.total(), p.unit(), Math.round(rate * 10) / 10.0, eta, p.message());
        log.info("[{}] {} {}: {}", service, p.migrationId(), p.phase(), Progress.describe(p, rate, eta));
        if (meters != null) meters.record(event);
        publisher.event(Topics.PROGRESS, event);
    }
}
