package io.catalogmigration.common.progress;

import io.catalogmigration.common.contract.ProgressReported;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest progress report of each run and phase as gauges ({@code migration.progress.done}, {@code .planned},
 * {@code .rate}), tagged by service, migration, run, phase and unit, so a Prometheus scrape sees what
 * {@code migration.progress} carries. A run's gauges go when the run is forgotten, or an hour after its last report.
 */
final class ProgressMeters {

    private static final class Reading {
        volatile double done;
        volatile double planned;
        volatile double rate;
        volatile Instant updated;
        List<Meter> meters = List.of();
    }

    private final MeterRegistry registry;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    ProgressMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(ProgressReported event) {
        Reading reading = readings.computeIfAbsent(event.runId() + "/" + event.phase(), key -> register(event));
        reading.done = event.done();
        reading.planned = event.total();
        reading.rate = event.ratePerSecond();
        reading.updated = event.occurredAt();
    }

    /** Removes the gauges of every run and phase last reported before this instant. */
    void forgetOlderThan(Instant horizon) {
        readings.values().removeIf(reading -> {
            Instant updated = reading.updated;
            if (updated == null || !updated.isBefore(horizon)) return false;
            reading.meters.forEach(registry::remove);
            return true;
        });
    }

    /** Removes the gauges of every run and phase whose {@code runId/phase} key starts with this prefix. */
    void forget(String keyPrefix) {
        readings.entrySet().removeIf(entry -> {
            if (!entry.getKey().startsWith(keyPrefix)) return false;
            entry.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    private Reading register(ProgressReported event) {
        var reading = new Reading();
        Tags tags = Tags.of("service", event.service(), "migration", event.migrationId(), "run", event.runId().toString(),
                "phase", event.phase(), "unit", event.unit() == null ? "" : event.unit());
        reading.meters = List.of(
                Gauge.builder("migration.progress.done", reading, r -> r.done).tags(tags)
                        .description("Units done in this run's phase").register(registry),
                Gauge.builder("migration.progress.planned", reading, r -> r.planned).tags(tags)
                        .description("Units planned for this run's phase").register(registry),
                Gauge.builder("migration.progress.rate", reading, r -> r.rate).tags(tags)
                        .description("Units per second since the run started").register(registry));
        return reading;
    }
}
