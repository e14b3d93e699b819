package io.catalogmigration.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follow a migration's progress and outcomes from the beginning of the topics.",
                "One line per update (CI logs); on a terminal the bars are redrawn in place unless --plain;",
                "--output json prints one JSON object per line for every event instead.",
                "Exits 0 when --until-outcome outcomes arrived and none failed, 1 when one failed, 4 on --timeout before that."})
final class WatchCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    OutputFormat output;

    @Parameters(index = "0", paramLabel = "MIGRATION_ID", description = "the migration to follow")
    String migrationId;

    @Option(names = "--until-outcome", paramLabel = "N", defaultValue = "0",
            description = "stop after N outcomes of this migration (counting those already published); 0: follow until stopped")
    int untilOutcome;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "stop after this long, e.g. 30s, 10m")
    Duration timeout;

    @Option(names = "--plain", description = "one line per update even on a terminal")
    boolean plain;

    @Override
    public Integer call() {
        if (untilOutcome < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--until-outcome must not be negative");
        var out = spec.commandLine().getOut();
        boolean redraw = !output.json() && !plain && System.console() != null && System.getenv("CI") == null;
        try (var broker = new Broker(kafka)) {
            broker.checkReachable();
            try (var follower = new Follower(broker, true)) {
                return new Watching(follower, out, redraw, output.json()).untilOutcomes(untilOutcome, timeout,
                        e -> migrationId.equals(e.migrationId()));
            }
        }
    }
}
