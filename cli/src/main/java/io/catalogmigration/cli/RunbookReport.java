package io.catalogmigration.cli;

import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The figures an operator reports after a migration, and how long each step took. */
final class RunbookReport {

    private final Map<RunbookStep, Duration> took = new EnumMap<>(RunbookStep.class);
    private final Map<RunbookStep, JsonNode> outcomes = new EnumMap<>(RunbookStep.class);

    void took(RunbookStep step, Duration duration) {
        took.put(step, duration);
    }

    /** The latest completed outcome of the step (of a step with one command per database, the last one). */
    void outcome(RunbookStep step, JsonNode json) {
        outcomes.put(step, json);
    }

    /** @param stoppedAt the step that failed or timed out, or null when every step completed */
    void print(PrintWriter out, String migrationId, RunbookStep stoppedAt, Duration wall) {
        out.println();
        out.println(stoppedAt == null ? "Runbook " + migrationId + " completed in " + Render.duration(wall)
                : "Runbook " + migrationId + " stopped at step " + stoppedAt + " after " + Render.duration(wall));
        for (var e : took.entrySet()) {
            out.println(String.format(Locale.ROOT, "  %-10s %s", e.getKey(), Render.duration(e.getValue())));
        }
        JsonNode prune = outcomes.get(RunbookStep.PRUNE);
        if (prune != null) line(out, "Rows pruned", count(prune.path("rowsDeleted").asLong()));
        JsonNode scan = outcomes.get(RunbookStep.SCAN);
        if (scan != null) {
            line(out, "Corrupted rows", count(scan.path("corruptedRows").asLong()) + " found, "
                    + count(scan.path("deletedRows").asLong()) + " removed");
        }
        JsonNode provisioned = outcomes.get(RunbookStep.PROVISION);
        if (provisioned != null) {
            JsonNode plan = provisioned.path("plan");
            line(out, "Target", Event.text(provisioned, "host") + ":" + provisioned.path("port").asInt()
                    + (plan.isObject() ? ", " + plan.path("storageGb").asInt() + " GB, " + Render.nz(Event.text(plan, "instanceClass")) : ""));
        }
        JsonNode cutover = outcomes.get(RunbookStep.CUTOVER);
        if (cutover != null) {
            long online = 0;
            long inWindow = 0;
            for (JsonNode t : cutover.path("tables")) {
                online += t.path("rowsVerifiedOnline").asLong();
                inWindow += t.path("rowsVerifiedInWindow").asLong();
            }
            line(out, "Data copied and verified", count(cutover.path("tables").size()) + " tables, " + count(online)
                    + " rows verified online, " + count(inWindow) + " changed rows re-checked in the window, "
                    + count(cutover.path("sequencesCopied").asLong()) + " sequences");
        }
        JsonNode lineage = outcomes.get(RunbookStep.LINEAGE);
        if (lineage != null) {
            line(out, "Lineage links migrated", count(lineage.path("sourceLinks").asLong()) + " links, "
                    + count(lineage.path("edges").asLong()) + " edges");
        }
        if (cutover != null) {
            line(out, "Write downtime", millis(cutover.path("writeDowntimeMillis").asLong()));
            JsonNode app = cutover.path("application");
            if (app.isObject()) {
                line(out, "Application on the target", (app.path("confirmed").asBoolean() ? "confirmed: " : "NOT CONFIRMED: ")
                        + app.path("onTarget").asInt() + " session(s) there, " + app.path("onSource").asInt() + " on the source");
            }
            StringBuilder fallback = new StringBuilder();
            for (JsonNode f : cutover.path("fallback")) {
                fallback.append(fallback.isEmpty() ? "" : ", ").append(Event.text(f, "database")).append(' ')
                        .append(f.path("streaming").asBoolean() ? "streaming" : "NOT streaming").append(", lag ")
                        .append(f.path("lagBytes").isNull() ? "-" : RunbookText.bytes(f.path("lagBytes").asLong()));
            }
            if (!fallback.isEmpty()) line(out, "Replication back (fallback)", fallback.toString());
        }
        line(out, "Wall time", Render.duration(wall));
        out.flush();
    }

    private static void line(PrintWriter out, String what, String value) {
        out.println(String.format(Locale.ROOT, "%-26s %s", what + ":", value));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Downtime is seconds, so tenths matter; Render.duration rounds to whole seconds. */
    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
