package io.catalogmigration.console;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressReported;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One run (one command) as its events describe it. Folding is idempotent and tolerates any order: a phase keeps its
 * latest report by event time, the start is the earliest event seen, so reading the topics again after a rebalance or
 * a restart changes nothing.
 */
final class Run {

    final UUID runId;
    String service;
    Instant startedAt;
    Instant updatedAt;
    final Map<String, ProgressReported> phases = new LinkedHashMap<>();
    OutcomeEvent outcome;
    Verdict verdict;

    Run(UUID runId) {
        this.runId = runId;
    }

    void apply(ProgressReported progress) {
        service = progress.service();
        seen(progress.occurredAt());
        ProgressReported previous = phases.get(progress.phase());
        if (previous == null || !progress.occurredAt().isBefore(previous.occurredAt())) {
            phases.put(progress.phase(), progress);
        }
    }

    void apply(OutcomeEvent event) {
        seen(event.occurredAt());
        if (outcome == null || !event.occurredAt().isBefore(outcome.occurredAt())) {
            outcome = event;
            verdict = Verdict.of(event);
        }
        if (service == null) service = Services.of(event);
    }

    /** The phase reported last, or null before any progress. */
    ProgressReported latest() {
        ProgressReported latest = null;
        for (ProgressReported p : phases.values()) {
            if (latest == null || !p.occurredAt().isBefore(latest.occurredAt())) latest = p;
        }
        return latest;
    }

    private void seen(Instant at) {
        if (at == null) return;
        if (startedAt == null || at.isBefore(startedAt)) startedAt = at;
        if (updatedAt == null || at.isAfter(updatedAt)) updatedAt = at;
    }
}
