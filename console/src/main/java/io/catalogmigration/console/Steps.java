package io.catalogmigration.console;

import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.console.Views.PhaseView;
import io.catalogmigration.console.Views.StepView;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a migration's runs into the runbook's timeline. Waiting for replication to catch up is one command sent
 * again every few seconds until the answer is STOP_WAITING; each is a run of its own, and listing hundreds of them
 * would hide the steps that matter, so the checks of one database make one step. The online verification the checks
 * start is a run too, with progress but no outcome of its own (the checks report it): it joins the same step.
 */
final class Steps {

    static final String RUNNING = "RUNNING";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";

    static List<StepView> of(List<Run> runs, Instant now) {
        Map<String, List<Run>> grouped = new LinkedHashMap<>();
        runs.stream().sorted(Comparator.comparing(r -> r.startedAt))
                .forEach(run -> grouped.computeIfAbsent(key(run), k -> new ArrayList<>()).add(run));
        List<StepView> steps = new ArrayList<>();
        grouped.forEach((key, group) -> steps.add(key.startsWith("catch-up:") ? checks(key, group, now) : single(key, group.get(0), now)));
        return steps;
    }

    /** What a check reports before its answer (tables ready, deferred indexes it builds, verification), and the verification run. */
    private static final Set<String> CATCH_UP_PHASES = Set.of("sync", "indexes", "verify");

    private static String key(Run run) {
        boolean catchUp = run.outcome instanceof ReplicationStatusReported
                || (run.outcome == null && "replicator".equals(run.service) && !run.phases.isEmpty()
                && CATCH_UP_PHASES.containsAll(run.phases.keySet()));
        return catchUp ? "catch-up:" + database(run) : run.runId.toString();
    }

    /** The database: named by the outcome, or by the report's message ("rosemeta: 3/4 tables ready"). */
    private static String database(Run run) {
        if (run.outcome instanceof ReplicationStatusReported r) return r.database();
        String message = run.phases.values().iterator().next().message();
        int colon = message == null ? -1 : message.indexOf(':');
        return colon > 0 ? message.substring(0, colon) : "?";
    }

    private static StepView single(String key, Run run, Instant now) {
        Verdict verdict = run.verdict;
        String state = verdict == null ? RUNNING : verdict.failed() ? FAILED : SUCCEEDED;
        Instant ended = verdict == null ? null : run.outcome.occurredAt();
        String title = verdict != null ? verdict.type() : current(run);
        return new StepView(key, run.service, title, state, run.startedAt, ended, millis(run.startedAt, ended, now),
                List.of(run.runId), verdict == null ? null : verdict.type(), failure(verdict, true),
                failure(verdict, false), verdict == null ? Map.of() : verdict.facts(), phases(run.phases.values()));
    }

    /** Checks: the latest answer decides; STOP_WAITING means caught up, anything else means still waiting. */
    private static StepView checks(String key, List<Run> group, Instant now) {
        Run first = group.get(0);
        Run answered = null;
        // The latest report of each phase among all the checks and the verification run.
        Map<String, ProgressReported> latest = new LinkedHashMap<>();
        for (Run run : group) {
            if (run.verdict != null) answered = run;
            for (ProgressReported p : run.phases.values()) {
                latest.merge(p.phase(), p, (a, b) -> b.occurredAt().isBefore(a.occurredAt()) ? a : b);
            }
        }
        Verdict verdict = answered == null ? null : answered.verdict;
        boolean caughtUp = answered != null && answered.outcome instanceof ReplicationStatusReported r
                && ReplicationStatusReported.STOP_WAITING.equals(r.answer());
        String state = verdict != null && verdict.failed() ? FAILED : caughtUp ? SUCCEEDED : RUNNING;
        Instant ended = state.equals(RUNNING) ? null : answered.outcome.occurredAt();
        Map<String, Object> facts = new LinkedHashMap<>(verdict == null ? Map.of() : verdict.facts());
        facts.put("checks", (int) group.stream().filter(r -> r.phases.containsKey("sync") || r.verdict != null).count());
        return new StepView(key, "replicator", "catch-up " + key.substring("catch-up:".length()), state,
                // Only the latest check's run: a long catch-up is thousands of checks, pushed on every change.
                first.startedAt, ended, millis(first.startedAt, ended, now), List.of(group.get(group.size() - 1).runId),
                verdict == null ? null : verdict.type(), failure(verdict, true), failure(verdict, false), facts,
                phases(latest.values()));
    }

    private static String failure(Verdict verdict, boolean reason) {
        if (verdict == null || !verdict.failed()) return null;
        return reason ? verdict.reason() : verdict.action();
    }

    private static String current(Run run) {
        ProgressReported latest = run.latest();
        return latest == null ? "running" : latest.phase();
    }

    private static long millis(Instant start, Instant end, Instant now) {
        if (start == null) return 0;
        return Math.max(0, Duration.between(start, end != null ? end : now).toMillis());
    }

    private static List<PhaseView> phases(java.util.Collection<ProgressReported> reports) {
        return reports.stream().map(p -> new PhaseView(p.phase(), p.done(), p.total(), p.unit(),
                p.total() > 0 ? (int) Math.min(100, p.done() * 100 / p.total()) : null, p.ratePerSecond(),
                p.etaSeconds(), p.message(), p.occurredAt())).toList();
    }

    private Steps() {
    }
}
