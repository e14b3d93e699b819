package io.catalogmigration.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Read both event topics up to their current end and print the latest state of every run of a migration.")
final class StatusCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    OutputFormat output;

    @Parameters(index = "0", paramLabel = "MIGRATION_ID", description = "the migration to report on")
    String migrationId;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var state = new MigrationState();
        try (var broker = new Broker(kafka)) {
            broker.checkReachable();
            try (var follower = new Follower(broker, true)) {
                var ends = follower.endOffsets();
                Instant deadline = Instant.now().plus(broker.timeout()).plus(broker.timeout());
                while (!follower.reached(ends)) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new BrokerUnreachable(broker.bootstrapServers(), broker.timeout(), "read the event topics to their end from", null);
                    }
                    for (var record : follower.poll(java.time.Duration.ofMillis(200))) {
                        Event.parse(record).filter(e -> migrationId.equals(e.migrationId())).ifPresent(state::apply);
                    }
                }
            }
        }
        if (output.json()) {
            out.println(JsonOutput.line(JsonOutput.status(migrationId, state)));
        } else {
            print(out, state);
        }
        return MigrateCli.OK;
    }

    private void print(PrintWriter out, MigrationState state) {
        if (state.runs().isEmpty()) {
            out.println("migration " + migrationId + ": no progress or outcome events yet");
            return;
        }
        long done = state.runs().stream().filter(r -> r.outcome != null && !r.outcome.failed()).count();
        long failed = state.runs().stream().filter(r -> r.outcome != null && r.outcome.failed()).count();
        out.println("migration " + migrationId + ": " + state.runs().size() + " run(s), " + done + " completed, "
                + failed + " failed, " + (state.runs().size() - done - failed) + " in progress");
        out.println(String.format(Locale.ROOT, "%-10s %-36s %-18s %-34s %s", "SERVICE", "RUN", "PHASE", "PROGRESS", "OUTCOME"));
        for (var run : state.runs()) {
            var p = run.lastProgress;
            String progress = "-";
            if (p != null) {
                String unit = p.unit() == null ? "" : " " + p.unit();
                progress = p.total() > 0
                        ? String.format(Locale.ROOT, "%d/%d%s %.1f%%", p.done(), p.total(), unit, 100.0 * p.done() / p.total())
                        : p.done() + unit;
            }
            String outcome = run.outcome == null ? "(running)" : run.outcome.type() + (run.outcome.failed() ? " FAILED" : "");
            out.println(String.format(Locale.ROOT, "%-10s %-36s %-18s %-34s %s", Render.nz(run.service), run.runId,
                    p == null ? "-" : Render.nz(p.phase()), progress, outcome));
            if (p != null && p.message() != null && !p.message().isBlank() && run.outcome == null) {
                out.println("  message: " + p.message());
            }
            if (run.outcome != null) {
                String details = Render.details(run.outcome.json()).strip();
                if (!details.isEmpty()) out.println("  " + details);
                if (run.outcome.failed()) {
                    out.println("  reason: " + Render.nz(run.outcome.reason()));
                    out.println("  action: " + Render.nz(run.outcome.action()));
                }
            }
        }
    }
}
