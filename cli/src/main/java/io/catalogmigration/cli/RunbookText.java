package io.catalogmigration.cli;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the runbook prints about an outcome beyond its headline, read from the outcome's JSON by field name. */
final class RunbookText {

    /** One line per CheckReplication: what an operator watches while the target catches up. */
    static String checkLine(String database, JsonNode status) {
        JsonNode tables = status.path("tables");
        int ready = 0;
        for (JsonNode t : tables) if ("r".equals(Event.text(t, "state"))) ready++;
        JsonNode verification = status.path("verification");
        return String.format(Locale.ROOT, "[catch-up] %-10s %-13s tables ready %d/%d  lag %s  indexes %d/%d  post-data %d/%d"
                        + "  verify %s %d/%d chunks, %,d rows",
                database, Render.nz(Event.text(status, "answer")), ready, tables.size(), bytes(status.path("lagBytes").asLong()),
                status.path("indexesCreated").asInt(), status.path("indexesTotal").asInt(),
                status.path("postDataDone").asInt(), status.path("postDataTotal").asInt(),
                Render.nz(Event.text(verification, "state")), verification.path("chunksDone").asInt(),
                verification.path("chunksTotal").asInt(), verification.path("rowsVerified").asLong());
    }

    /** Rows that differ, or a verification that could not go on: the catch-up cannot end well; null when neither. */
    static String verificationProblem(JsonNode status) {
        JsonNode verification = status.path("verification");
        String state = Event.text(verification, "state");
        if ("DIFFERENT".equals(state)) {
            List<String> rows = new ArrayList<>();
            verification.path("differences").forEach(d -> rows.add(d.asString()));
            return "rows differ between source and target: " + rows;
        }
        return "FAILED".equals(state) ? "online verification failed: " + Event.text(verification, "detail") : null;
    }

    /** Caught up and nothing deferred left: the runbook's STOP_WAITING plus every index and constraint built. */
    static boolean caughtUp(JsonNode status) {
        return "STOP_WAITING".equals(Event.text(status, "answer"))
                && status.path("indexesCreated").asInt() == status.path("indexesTotal").asInt()
                && status.path("postDataDone").asInt() == status.path("postDataTotal").asInt();
    }

    /** Checks that are not OK (with their remedy), failed or warned cutover checks, and notes. */
    static List<String> details(Event.Outcome o) {
        List<String> lines = new ArrayList<>();
        JsonNode json = o.json();
        if (o.type().equals("SourcePrepared")) {
            for (JsonNode c : json.path("checks")) {
                if ("OK".equals(Event.text(c, "status"))) continue;
                lines.add("    " + Event.text(c, "name") + ": " + Event.text(c, "status") + ", now " + Render.nz(Event.text(c, "current"))
                        + ", needs " + Render.nz(Event.text(c, "required"))
                        + (Event.text(c, "remedy") == null ? "" : "; what to do: " + Event.text(c, "remedy")));
            }
            if (json.path("restartRequired").asBoolean(false)) {
                lines.add("    restart required: a changed setting takes effect only after the source server restarts");
            }
        }
        if (o.type().equals("CutoverFailed")) {
            lines.add("    phase " + Render.nz(Event.text(json, "phase")) + ", source writable again: "
                    + yes(json, "sourceReleased") + ", application switched to the target: " + yes(json, "switched"));
        }
        for (JsonNode c : json.path("checks")) {
            String status = Event.text(c, "status");
            if (!"FAILED".equals(status) && !"WARNING".equals(status)) continue;
            String database = Event.text(c, "database");
            lines.add("    " + status + " " + (database == null ? "" : database + "/") + Render.nz(Event.text(c, "check"))
                    + ": " + Render.nz(Event.text(c, "detail")));
        }
        for (JsonNode note : json.path("notes")) {
            lines.add("    note: " + note.asString());
        }
        return lines;
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String yes(JsonNode json, String field) {
        return json.path(field).asBoolean(false) ? "yes" : "no";
    }

    private RunbookText() {
    }
}
