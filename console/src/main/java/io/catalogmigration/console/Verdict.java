package io.catalogmigration.console;

import io.catalogmigration.common.contract.LineageValidated;
import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ReplicationStatusReported;
import io.catalogmigration.common.contract.SourcePrepared;
import io.catalogmigration.common.contract.VerificationReport;
import io.catalogmigration.common.kafka.MessageJson;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an outcome means to an operator: whether the step did its job, why not and what to do, and the figures it
 * carries. Some outcomes are not named {@code *Failed} and still leave the step undone (unequal lineage counts, a source
 * not ready, failed deferred statements); they count as failed here, as the CLI counts them.
 *
 * @param facts the outcome's own figures (scalars, lists of names joined, lists of records counted, one level of
 *              nested records flattened as {@code plan.instanceClass}); the cutover's {@code phases} stay a list
 */
record Verdict(String type, boolean failed, String reason, String action, Map<String, Object> facts) {

    /** Metadata every event has, or what the verdict already says: not repeated among the facts. */
    private static final Set<String> NOT_FACTS = Set.of("type", "eventId", "migrationId", "occurredAt", "runId",
            "reason", "action");

    static Verdict of(OutcomeEvent event) {
        JsonNode json = MessageJson.mapper().valueToTree(event);
        String type = event.getClass().getSimpleName();
        Map<String, Object> facts = facts(json);
        String reason = text(json, "reason");
        String action = text(json, "action");
        boolean failed = type.endsWith("Failed");
        if (event instanceof LineageValidated v && !v.equal()) {
            failed = true;
            reason = "the counts differ: %d links in V2, %d edges in V3".formatted(v.sourceLinks(), v.edges());
            action = "V2 stays in force; find why links are missing, then reset the lineage pointer, migrate again "
                    + "and validate";
        } else if (event instanceof SourcePrepared p && !p.ready()) {
            failed = true;
            reason = "the source " + p.source() + " is not ready for logical replication"
                    + (p.restartRequired() ? "; a changed setting takes effect only after the server restarts" : "");
            action = (p.restartRequired() ? "restart the source PostgreSQL server, then do" : "do")
                    + " what each check that is not OK says, then send PrepareSource again";
        } else if (event instanceof ReplicationStatusReported r && r.failures() != null && !r.failures().isEmpty()) {
            failed = true;
            reason = "deferred statements failed on " + r.database() + ": " + String.join("; ", r.failures());
            action = "fix the cause on the target, then send CheckReplication again: it retries the failed statements";
        } else if (event instanceof ReplicationStatusReported r && r.verification() != null
                && VerificationReport.DIFFERENT.equals(r.verification().state())) {
            // Still NEED_TO_WAIT for the runbook, but waiting will not help until someone acts.
            failed = true;
            List<String> rows = r.verification().differences() == null ? List.of() : r.verification().differences();
            reason = "rows differ between the source and the target in " + r.database()
                    + (rows.isEmpty() ? "" : ": " + String.join("; ", rows.subList(0, Math.min(3, rows.size()))));
            action = "fix the rows on the target, or reset (ResetReplication, then StartReplication); a fixed row is "
                    + "checked again by the next pass";
        } else if (event instanceof ReplicationStatusReported r && r.verification() != null
                && VerificationReport.FAILED.equals(r.verification().state())) {
            failed = true;
            reason = "the online verification of " + r.database() + " stopped: " + r.verification().detail();
            action = "fix the cause (a table dropped or altered on one side), then ResetReplication and StartReplication "
                    + "for this database";
        }
        return new Verdict(type, failed, reason, action, facts);
    }

    private static Map<String, Object> facts(JsonNode json) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (var field : json.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            // An empty list (no notes, no tables) says nothing worth a line on the page.
            if (NOT_FACTS.contains(name) || value.isNull() || (value.isArray() && value.isEmpty())) continue;
            if (name.equals("phases") && value.isArray()) {
                facts.put(name, MessageJson.mapper().convertValue(value, List.class));
            } else if (value.isObject()) {
                for (var inner : value.properties()) {
                    Object scalar = scalar(inner.getValue());
                    if (scalar != null) facts.put(name + "." + inner.getKey(), scalar);
                }
            } else if (value.isArray()) {
                facts.put(name, joinedOrCounted(value));
            } else {
                facts.put(name, scalar(value));
            }
        }
        return facts;
    }

    /** Names are worth reading in full; a list of records (tables, checks) is summed up by its size. */
    private static Object joinedOrCounted(JsonNode array) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isValueNode()) return array.size();
            names.add(item.asString());
        }
        return String.join(", ", names);
    }

    private static Object scalar(JsonNode value) {
        if (value.isNumber()) return value.numberValue();
        if (value.isBoolean()) return value.booleanValue();
        if (value.isValueNode() && !value.isNull()) return value.asString();
        return null;
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }
}
