package io.catalogmigration.cli;

import io.catalogmigration.common.contract.ProgressReported;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Text for progress and outcomes: plain ASCII, one line per update, so it reads well in CI logs. */
final class Render {

    static final int BAR = 24;
    private static final Set<String> OMITTED = Set.of("type", "eventId", "migrationId", "occurredAt", "runId", "reason", "action");

    static String progress(ProgressReported p) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "%-10s run %s  %-18s ", nz(p.service()), p.runId(), nz(p.phase())));
        String unit = p.unit() == null || p.unit().isBlank() ? "" : " " + p.unit();
        if (p.total() > 0) {
            double fraction = Math.max(0, Math.min(1, (double) p.done() / p.total()));
            line.append(bar(fraction)).append(' ')
                    .append(String.format(Locale.ROOT, "%d/%d%s %5.1f%%", p.done(), p.total(), unit, fraction * 100));
        } else {
            line.append(p.done()).append(unit);
        }
        if (p.ratePerSecond() > 0) {
            line.append(String.format(Locale.ROOT, "  %s%s/s", number(p.ratePerSecond()), unit));
        }
        if (p.etaSeconds() != null) {
            line.append("  ETA ").append(duration(Duration.ofSeconds(p.etaSeconds())));
        }
        if (p.message() != null && !p.message().isBlank()) {
            line.append("  ").append(p.message());
        }
        return line.toString();
    }

    static String bar(double fraction) {
        int filled = (int) Math.round(fraction * BAR);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
    }

    /** The outcome's headline, then reason and action lines when it failed. */
    static List<String> outcome(Event.Outcome o) {
        List<String> lines = new ArrayList<>();
        lines.add((o.failed() ? "FAILED    " : "COMPLETED ") + o.type() + " run " + o.runId() + details(o.json()));
        if (o.failed()) {
            lines.add("  reason: " + nz(o.reason()));
            lines.add("  action: " + nz(o.action()));
        }
        JsonNode app = o.json().path("application");
        if (app.isObject()) {
            lines.add("  application " + nz(Event.text(app, "user")) + ": " + app.path("onTarget").asInt()
                    + " session(s) on the target, " + app.path("onSource").asInt() + " on the source"
                    + (app.path("confirmed").asBoolean() ? "" : " (NOT CONFIRMED)"));
        }
        for (JsonNode f : o.json().path("fallback")) {
            lines.add("  fallback " + nz(Event.text(f, "database")) + ": " + (f.path("streaming").asBoolean() ? "streaming"
                    : "NOT streaming") + ", lag " + (f.path("lagBytes").isNull() ? "-" : RunbookText.bytes(f.path("lagBytes").asLong()))
                    + " (" + nz(Event.text(f, "detail")) + ")");
        }
        return lines;
    }

    /** Scalar fields of the outcome (counts, mode, database...), compact; nested lists are counted, not dumped. */
    static String details(JsonNode json) {
        StringBuilder out = new StringBuilder();
        for (var entry : json.properties()) {
            if (OMITTED.contains(entry.getKey())) continue;
            JsonNode value = entry.getValue();
            if (value == null || value.isNull()) continue;
            out.append(' ').append(entry.getKey()).append('=');
            if (value.isArray()) {
                out.append(value.size() <= 4 && allScalar(value) ? value.toString() : "[" + value.size() + " items]");
            } else if (value.isObject()) {
                out.append("{...}");
            } else {
                out.append(value.asString());
            }
        }
        return out.toString();
    }

    private static boolean allScalar(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode()) return false;
        }
        return true;
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() < 1000) return d.toMillis() + " ms";
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }

    static String number(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String nz(String s) {
        return s == null ? "-" : s;
    }

    private Render() {
    }
}
