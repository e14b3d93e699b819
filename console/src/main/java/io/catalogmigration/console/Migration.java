package io.catalogmigration.console;

import io.catalogmigration.common.contract.CutoverCompleted;
import io.catalogmigration.common.contract.MigrationEvent;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.console.Views.MigrationDetail;
import io.catalogmigration.console.Views.MigrationSummary;
import io.catalogmigration.console.Views.StepView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Everything the event topics said about one migration, folded into its runs. Not thread-safe: see {@link Migrations}. */
final class Migration {

    final String id;
    Instant firstEventAt;
    Instant lastEventAt;
    private final Map<UUID, Run> runs = new LinkedHashMap<>();

    Migration(String id) {
        this.id = id;
    }

    void apply(MigrationEvent event) {
        if (event instanceof ProgressReported p) {
            runs.computeIfAbsent(p.runId(), Run::new).apply(p);
        } else if (event instanceof OutcomeEvent o) {
            runs.computeIfAbsent(o.runId(), Run::new).apply(o);
        } else {
            return;
        }
        Instant at = event.occurredAt();
        if (firstEventAt == null || at.isBefore(firstEventAt)) firstEventAt = at;
        if (lastEventAt == null || at.isAfter(lastEventAt)) lastEventAt = at;
    }

    MigrationDetail detail(Instant now) {
        List<StepView> steps = Steps.of(new ArrayList<>(runs.values()), now);
        return new MigrationDetail(summary(steps), steps);
    }

    MigrationSummary summary(Instant now) {
        return summary(Steps.of(new ArrayList<>(runs.values()), now));
    }

    /** Running while any step runs; otherwise what its latest finished step says. */
    private MigrationSummary summary(List<StepView> steps) {
        int running = (int) steps.stream().filter(s -> s.state().equals(Steps.RUNNING)).count();
        int failed = (int) steps.stream().filter(s -> s.state().equals(Steps.FAILED)).count();
        StepView lastEnded = steps.stream().filter(s -> s.endedAt() != null)
                .max(Comparator.comparing(StepView::endedAt)).orElse(null);
        String state = running > 0 || lastEnded == null ? "running"
                : lastEnded.state().equals(Steps.FAILED) ? "failed" : "succeeded";
        StepView current = steps.stream().filter(s -> s.state().equals(Steps.RUNNING)).reduce((a, b) -> b)
                .orElse(lastEnded);
        boolean cutOver = runs.values().stream().anyMatch(r -> r.outcome instanceof CutoverCompleted);
        return new MigrationSummary(id, state, cutOver, steps.size(), running, failed, firstEventAt, lastEventAt,
                current == null ? null : current.service() + ": " + current.title());
    }
}
