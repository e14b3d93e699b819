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
    /** Steps that did not complete: how they ended ("FAILED after 3 s", "still running"). */
    private final Map<RunbookStep, String> unfinished = new EnumMap<>(RunbookStep.class);

    void took(RunbookStep step, Duration duration) {
        took.put(step, duration);
    }

    /** The step stopped the runbook: listed with the others, saying so. */
    void stopped(RunbookStep step, String how, Duration after) {
        unfinished.put(step, how + " after " + Render.duration(after));
    }

    /** A step sent at the same time as the one that stopped the runbook, still going on in its service. */
    void stillRunning(RunbookStep step) {
        if (!took.containsKey(step)) unfinished.putIfAbsent(step, "still running");
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
        for (RunbookStep step : RunbookStep.values()) {
            String how = took.containsKey(step) ? Render.duration(took.get(step)) : unfinished.get(step);
            if (how != null) out.println(String.format(Locale.ROOT, "  %-10s %s", step, how));
        }
        JsonNode backup = outcomes.get(RunbookStep.BACKUP);
        if (backup != null) {
            line(out, "Backup of the source", Event.text(backup, "location") + " (" + Event.text(backup, "method")
                    + (backup.path("bytes").asLong() > 0 ? ", " + RunbookText.bytes(backup.path("bytes").asLong()) : "")
                    + (backup.path("verified").asBoolean(false) ? ", verified" : ", not verified by the replicator") + ")");
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
            if (!cutover.path("copiedObjects").isEmpty()) {
                line(out, "Not in replication", notReplicated(cutover.path("copiedObjects")));
            }
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
        JsonNode snapshot = outcomes.get(RunbookStep.SNAPSHOT);
        if (snapshot != null) {
            String where = Event.text(snapshot, "location") != null ? Event.text(snapshot, "location") : Event.text(snapshot, "snapshotArn");
            line(out, "First target snapshot", Event.text(snapshot, "snapshotIdentifier") + (where == null ? "" : " (" + where + ")"));
        }
        line(out, "Wall time", Render.duration(wall));
        out.flush();
    }

    /** Large objects, materialized views and unlogged tables, as the window carried them; anything not equal named. */
    private static String notReplicated(JsonNode objects) {
        long largeObjects = 0;
        long bytes = 0;
        int views = 0;
        int tables = 0;
        java.util.List<String> notEqual = new java.util.ArrayList<>();
        for (JsonNode o : objects) {
            String kind = Event.text(o, "kind");
            if ("large objects".equals(kind)) {
                largeObjects += o.path("count").asLong();
                bytes += o.path("bytes").asLong();
            } else if ("materialized view".equals(kind)) {
                views++;
            } else {
                tables++;
            }
            if (!o.path("equal").asBoolean()) {
                notEqual.add(Event.text(o, "database") + " " + kind + (o.path("name").isTextual() ? " " + Event.text(o, "name") : "")
                        + ": " + Event.text(o, "detail"));
            }
        }
        return count(largeObjects) + " large objects (" + count(bytes) + " bytes), " + views + " materialized views, "
                + tables + " unlogged tables" + (notEqual.isEmpty() ? ", all equal on the target" : "; NOT EQUAL: " + notEqual);
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
