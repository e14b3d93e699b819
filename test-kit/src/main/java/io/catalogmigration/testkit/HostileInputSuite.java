package io.catalogmigration.testkit;

import io.catalogmigration.common.contract.Topics;
import io.catalogmigration.common.kafka.MessageJson;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends hostile commands to a running service and collects what became of each: a failed outcome (its reason) or a
 * dead letter (its reason header). A case the service accepted, or answered with nothing, is a finding. What the
 * services must never do with them is checked by the callers with {@link #ledgerText}, {@link DatabaseFingerprint},
 * {@link LogCapture} and {@link EventLog#assertNoRecordContains}.
 */
public final class HostileInputSuite {

    /** What became of one case: {@code refusedBy} is "outcome" or "dead letter"; reason as the operator reads it. */
    public record Refusal(HostileCommands.Case hostile, String refusedBy, String type, String reason) {
    }

    private HostileInputSuite() {
    }

    /** Sends every case at once, then waits for each one's refusal; fails naming every case that was not refused. */
    public static List<Refusal> sendAll(CommandSender sender, EventLog events, String commandTopic,
                                        List<HostileCommands.Case> cases, Duration timeout) {
        cases.forEach(c -> sender.sendRaw(commandTopic, c.key(), c.json()));
        List<Refusal> refusals = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (HostileCommands.Case c : cases) {
            Refusal refusal = null;
            while (refusal == null && System.nanoTime() < deadline) {
                refusal = find(events, commandTopic, c);
                if (refusal == null) {
                    sleep();
                }
            }
            if (refusal == null) {
                findings.add(c.name() + ": no outcome and no dead letter within " + timeout);
            } else if (!refusal.refusedBy().equals("dead letter") && !refusal.type().endsWith("Failed")) {
                findings.add(c.name() + ": accepted (" + refusal.type() + ")");
            } else if (refusal.reason() == null || refusal.reason().isBlank()
                    || refusal.reason().matches("(?s).*NullPointerException: null\\s*")) {
                findings.add(c.name() + ": refused without a clear reason: " + refusal.reason());
            } else {
                refusals.add(refusal);
            }
        }
        if (!findings.isEmpty()) {
            throw new AssertionError(findings.size() + " of " + cases.size() + " hostile commands were not refused "
                    + "clearly:\n  " + String.join("\n  ", findings));
        }
        return refusals;
    }

    private static Refusal find(EventLog events, String commandTopic, HostileCommands.Case c) {
        for (EventLog.Recorded r : events.records(Topics.deadLetter(commandTopic))) {
            if (c.key().equals(r.key())) {
                return new Refusal(c, "dead letter", "DLT", r.headers().get("migration-dlt-reason"));
            }
        }
        if (c.commandId() != null) {
            String id = c.commandId().toString();
            for (EventLog.Recorded r : events.records(Topics.OUTCOME)) {
                if (r.value() != null && r.value().contains(id)) {
                    var json = MessageJson.mapper().readTree(r.value());
                    if (json.path("runId").asString("").equals(id)) {
                        return new Refusal(c, "outcome", json.path("type").asString(""), json.path("reason").asString(null));
                    }
                }
            }
        }
        return null;
    }

    /** Every row of every table of the control database (all services' ledgers), as text. */
    public static String ledgerText(PostgresCluster control) {
        var text = new StringBuilder();
        try (Connection c = control.connect(ServiceRunner.CONTROL_DATABASE)) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select format('%I.%I', schemaname, tablename) from pg_tables
                    where schemaname not in ('pg_catalog', 'information_schema')""")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = c.createStatement().executeQuery("select t::text from " + table + " t")) {
                    while (rs.next()) {
                        text.append(rs.getString(1)).append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the ledgers", e);
        }
        return text.toString();
    }

    /** The refusals by case name, for a readable assertion message. */
    public static Map<String, String> reasons(List<Refusal> refusals) {
        Map<String, String> reasons = new LinkedHashMap<>();
        refusals.forEach(r -> reasons.put(r.hostile().name(), r.refusedBy() + ": " + r.reason()));
        return reasons;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
