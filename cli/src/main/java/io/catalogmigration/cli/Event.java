package io.catalogmigration.cli;

import io.catalogmigration.common.contract.ProgressEvent;
import io.catalogmigration.common.contract.ProgressReported;
import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One record of the event topics, as the CLI shows it. Outcomes are read as JSON trees, so any outcome type works. */
sealed interface Event permits Event.Progress, Event.Outcome {

    String migrationId();

    UUID runId();

    record Progress(ProgressReported event) implements Event {
        public String migrationId() {
            return event.migrationId();
        }

        public UUID runId() {
            return event.runId();
        }
    }

    /**
     * @param failed a {@code *Failed} outcome, a validation whose counts are not equal, a source that is not ready for
     *               replication, or a replication status listing failed deferred statements
     */
    record Outcome(String type, String migrationId, UUID runId, String occurredAt, boolean failed, String reason,
                   String action, JsonNode json) implements Event {
    }

    /** Empty for records that are not one of ours or cannot be read (they are skipped, never fatal). */
    static Optional<Event> parse(ConsumerRecord<String, String> record) {
        if (record.value() == null) return Optional.empty();
        try {
            if (record.topic().equals(Topics.PROGRESS)) {
                var event = MessageJson.mapper().readValue(record.value(), ProgressEvent.class);
                return event instanceof ProgressReported p ? Optional.of(new Progress(p)) : Optional.empty();
            }
            if (record.topic().equals(Topics.OUTCOME)) {
                JsonNode json = MessageJson.mapper().readTree(record.value());
                String type = text(json, "type");
                String runId = text(json, "runId");
                if (type == null || runId == null) return Optional.empty();
                String reason = text(json, "reason");
                String action = text(json, "action");
                boolean failed = type.endsWith("Failed");
                JsonNode failures = json.get("failures");
                if (!failed && isFalse(json, "equal")) {
                    failed = true;
                    reason = "the counts differ: sourceLinks=" + text(json, "sourceLinks") + ", edges=" + text(json, "edges");
                    action = "V2 stays in force; find why links are missing (progress and service logs), then run "
                            + "'migrate lineage reset-pointer' and 'migrate lineage start' again, and validate";
                } else if (!failed && type.equals("SourcePrepared") && isFalse(json, "ready")) {
                    // The run completed, but replication cannot start: for an operator that is a step not done.
                    boolean restart = json.path("restartRequired").asBoolean(false);
                    failed = true;
                    reason = "the source " + text(json, "source") + " is not ready for logical replication"
                            + (restart ? "; a changed setting takes effect only after the source server restarts" : "");
                    action = (restart ? "restart the source PostgreSQL server, then do" : "do")
                            + " what each check that is not OK says (its remedy), then send PrepareSource again";
                } else if (!failed && failures != null && failures.isArray() && !failures.isEmpty()) {
                    failed = true;
                    List<String> each = new ArrayList<>();
                    for (JsonNode f : failures) each.add(f.asString());
                    reason = "deferred statements failed on " + text(json, "database") + ": " + String.join("; ", each);
                    action = "fix the cause on the target, then send CheckReplication again: it retries the failed statements";
                }
                return Optional.of(new Outcome(type, text(json, "migrationId"), UUID.fromString(runId),
                        text(json, "occurredAt"), failed, reason, action, json));
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isFalse(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node != null && node.isBoolean() && !node.booleanValue();
    }

    static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        return node.isValueNode() ? node.asString() : node.toString();
    }
}
