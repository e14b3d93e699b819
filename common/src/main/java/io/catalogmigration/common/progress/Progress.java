package io.catalogmigration.common.progress;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** One reading of how far a run's phase has come. */
public record Progress(String migrationId, UUID runId, String phase, long done, long total, String unit,
                       Instant startedAt, String message) {

    static String describe(Progress p, double rate, Long etaSeconds) {
        var line = new StringBuilder();
        if (p.message() != null && !p.message().isBlank()) {
            line.append(p.message()).append(" - ");
        }
        line.append(String.format(Locale.ROOT, "%,d/%,d %s", p.done(), p.total(), p.unit()));
        if (p.total() > 0) {
            line.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, p.done() * 100 / p.total())));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f %s/s", rate, p.unit()));
        if (etaSeconds != null && p.done() < p.total()) {
            line.append(", ETA ").append(formatSeconds(etaSeconds));
        }
        return line.toString();
    }

    static String formatSeconds(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
    }
}
