package io.catalogmigration.cli;

import io.catalogmigration.common.kafka.MessageJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;

/**
 * The JSON of {@code --output json}: the events as they are on the wire, with what the CLI concludes from them
 * (whether an outcome counts as failed, and why) beside them, never mixed into them.
 */
final class JsonOutput {

    /** One line of {@code watch}: {"kind": "progress"|"outcome", "at": ..., "event": {...}} (+ failed/reason/action). */
    static ObjectNode event(Event event, long timestamp) {
        ObjectNode line = MessageJson.mapper().createObjectNode();
        line.put("at", Instant.ofEpochMilli(timestamp).toString());
        if (event instanceof Event.Progress p) {
            line.put("kind", "progress");
            line.set("event", MessageJson.mapper().valueToTree(p.event()));
        } else if (event instanceof Event.Outcome o) {
            line.put("kind", "outcome");
            verdict(line, o);
            line.set("event", o.json());
        }
        return line;
    }

    /** The last line of a {@code watch --timeout} that ran out. */
    static ObjectNode timedOut(Duration after, int outcomes) {
        ObjectNode line = MessageJson.mapper().createObjectNode();
        line.put("kind", "timeout");
        line.put("after", after.toString());
        line.put("outcomesSeen", outcomes);
        return line;
    }

    /** {@code status}: the migration's counts and, per run, its latest progress and its outcome (null while running). */
    static ObjectNode status(String migrationId, MigrationState state) {
        ObjectNode status = MessageJson.mapper().createObjectNode();
        status.put("migrationId", migrationId);
        long completed = state.runs().stream().filter(r -> r.outcome != null && !r.outcome.failed()).count();
        long failed = state.runs().stream().filter(r -> r.outcome != null && r.outcome.failed()).count();
        status.put("completed", completed);
        status.put("failed", failed);
        status.put("inProgress", state.runs().size() - completed - failed);
        var runs = status.putArray("runs");
        for (var run : state.runs()) {
            ObjectNode item = runs.addObject();
            item.put("runId", run.runId.toString());
            item.put("service", run.service);
            if (run.lastProgress == null) {
                item.putNull("progress");
            } else {
                item.set("progress", MessageJson.mapper().valueToTree(run.lastProgress));
            }
            if (run.outcome == null) {
                item.putNull("outcome");
            } else {
                ObjectNode outcome = item.putObject("outcome");
                verdict(outcome, run.outcome);
                outcome.set("event", run.outcome.json());
            }
        }
        return status;
    }

    private static void verdict(ObjectNode node, Event.Outcome outcome) {
        node.put("type", outcome.type());
        node.put("failed", outcome.failed());
        if (outcome.failed()) {
            node.put("reason", outcome.reason());
            node.put("action", outcome.action());
        }
    }

    static String line(JsonNode node) {
        return MessageJson.mapper().writeValueAsString(node);
    }

    private JsonOutput() {
    }
}
