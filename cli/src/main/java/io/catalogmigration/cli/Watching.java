package io.catalogmigration.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/** The follow loop shared by {@code watch} and {@code --wait}. */
final class Watching {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REFRESH = Duration.ofSeconds(2);

    private final Follower follower;
    private final PrintWriter out;
    private final boolean redraw;
    private final boolean json;
    private final MigrationState state = new MigrationState();
    private int drawnLines;

    /** @param redraw redraw one block of bars in place (a terminal) instead of printing a line per update */
    Watching(Follower follower, PrintWriter out, boolean redraw) {
        this(follower, out, redraw, false);
    }

    /** @param json one JSON object per line per event ({@link JsonOutput}) instead of text */
    Watching(Follower follower, PrintWriter out, boolean redraw, boolean json) {
        this.follower = follower;
        this.out = out;
        this.redraw = redraw && !json;
        this.json = json;
    }

    /**
     * Prints every matching event until {@code outcomes} matching outcomes were seen (0: never stop on outcomes) or
     * the timeout passes (null: none).
     *
     * @return 0 when done and none failed, 1 when one failed, 4 when it timed out waiting for outcomes
     */
    int untilOutcomes(int outcomes, Duration timeout, Predicate<Event> matching) {
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        Instant nextRefresh = Instant.now().plus(REFRESH);
        int seen = 0;
        boolean failed = false;
        while (true) {
            if (deadline != null && Instant.now().isAfter(deadline)) {
                out.println(json ? JsonOutput.line(JsonOutput.timedOut(timeout, seen))
                        : "timed out after " + Render.duration(timeout) + " (" + seen + " outcome" + (seen == 1 ? "" : "s") + " seen)");
                out.flush();
                if (outcomes > 0) return MigrateCli.TIMED_OUT;
                return failed ? MigrateCli.FAILED_OUTCOME : MigrateCli.OK;
            }
            if (Instant.now().isAfter(nextRefresh)) {
                follower.refresh();
                nextRefresh = Instant.now().plus(REFRESH);
            }
            for (var record : follower.poll(POLL)) {
                var parsed = Event.parse(record);
                if (parsed.isEmpty() || !matching.test(parsed.get())) continue;
                Event event = parsed.get();
                show(event, record.timestamp());
                if (event instanceof Event.Outcome o) {
                    seen++;
                    failed |= o.failed();
                    if (outcomes > 0 && seen >= outcomes) {
                        out.flush();
                        return failed ? MigrateCli.FAILED_OUTCOME : MigrateCli.OK;
                    }
                }
            }
            out.flush();
        }
    }

    private void show(Event event, long timestamp) {
        if (json) {
            out.println(JsonOutput.line(JsonOutput.event(event, timestamp)));
            return;
        }
        if (!redraw) {
            String at = Instant.ofEpochMilli(timestamp).toString();
            if (event instanceof Event.Progress p) {
                out.println(at + " " + Render.progress(p.event()));
            } else if (event instanceof Event.Outcome o) {
                var lines = Render.outcome(o);
                out.println(at + " " + lines.get(0));
                for (int i = 1; i < lines.size(); i++) out.println(lines.get(i));
            }
            return;
        }
        state.apply(event);
        if (drawnLines > 0) {
            out.print("\033[" + drawnLines + "F\033[J");
        }
        int lines = 0;
        for (var run : state.runs()) {
            for (var phase : run.phases.values()) {
                out.println(Render.progress(phase));
                lines++;
            }
            if (run.outcome != null) {
                for (String line : Render.outcome(run.outcome)) {
                    out.println(line);
                    lines++;
                }
            }
        }
        drawnLines = lines;
    }
}
