package io.catalogmigration.cli;

import io.catalogmigration.common.contract.ProgressReported;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The latest known state of every run of one migration, in the order the runs were first seen. */
final class MigrationState {

    static final class Run {
        final UUID runId;
        String service;
        ProgressReported lastProgress;
        final Map<String, ProgressReported> phases = new LinkedHashMap<>();
        Event.Outcome outcome;

        Run(UUID runId) {
            this.runId = runId;
        }
    }

    private final Map<UUID, Run> runs = new LinkedHashMap<>();

    void apply(Event event) {
        Run run = runs.computeIfAbsent(event.runId(), Run::new);
        if (event instanceof Event.Progress p) {
            run.service = p.event().service();
            run.lastProgress = p.event();
            run.phases.put(p.event().phase(), p.event());
        } else if (event instanceof Event.Outcome o) {
            run.outcome = o;
        }
    }

    Collection<Run> runs() {
        return runs.values();
    }
}
