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
 * dead letter (its reason header). A case the service accepted, or answered with nothing, is a finding. Every
 * service's hostile-input test is {@link #refuseAll} (refused clearly, no server changed, by {@link DatabaseFingerprint})
 * then a valid command that still works, then {@link #assertCanaryNowhere} (no record, header, log line or ledger row
 * carries a server's password).
 */
public final class HostileInputSuite {

    /** What became of one case: {@code refusedBy} is "outcome" or "dead letter"; reason as the operator reads it. */
    public record Refusal(HostileCommands.Case hostile, String refusedBy, String type, String reason) {
    }

    private HostileInputSuite() {
    }

    /**
     * Fingerprints every server (the control database left out: it records the refusals), sends every case, fails
     * naming each case that was not refused clearly or that left a run row where it must not
     * ({@link HostileCommands.Case#unrecorded}), then fails if any server changed.
     *
     * @param servers every server the commands name; the first holds the control database
     *
     * @return the refusals' reasons by case name ("outcome: ..." or "dead letter: ...")
     */
    public static Map<String, String> refuseAll(CommandSender sender, EventLog events, String commandTopic,
                                                List<HostileCommands.Case> cases, Duration timeout, PostgresCluster... servers) {
        List<String> skipped = List.of(ServiceRunner.CONTROL_DATABASE);
        List<Map<String, String>> before = java.util.Arrays.stream(servers).map(s -> DatabaseFingerprint.of(s, skipped)).toList();
        var refusals = sendAll(sender, events, commandTopic, cases, timeout);
        if (refusals.size() != cases.size()) {
            throw new AssertionError(refusals.size() + " refusals for " + cases.size() + " cases");
        }
        for (HostileCommands.Case c : cases) {
            if (c.unrecorded() && runRows(servers[0], c.commandId()) != 0) {
                throw new AssertionError(c.name() + ": refused, but after a run row was written for it (with a placeholder)");
            }
        }
        for (int i = 0; i < servers.length; i++) {
            Map<String, String> after = DatabaseFingerprint.of(servers[i], skipped);
            if (!after.equals(before.get(i))) {
                throw new AssertionError("hostile commands changed " + servers[i].host() + ":" + servers[i].port()
                        + ": before " + before.get(i) + "\nafter " + after);
            }
        }
        return reasons(refusals);
    }

    /**
     * No record or header on the broker, no log line of this JVM and no row of any ledger (the control database on
     * {@code control}) carries a canary: the servers' passwords, which every hostile command could try to reach. Nor
     * is a value sent where a reference belongs that is not one ({@link HostileCommands#PASTED_PARTS}) echoed anywhere
     * but in the dead letter of its own command.
     */
    public static void assertNoSecretAnywhere(EventLog events, LogCapture logs, PostgresCluster control, String... canaries) {
        String ledgers = ledgerText(control);
        for (String canary : canaries) {
            events.assertNoRecordContains(canary);
            logs.assertNoLineContains(canary);
            if (ledgers.contains(canary)) {
                throw new AssertionError("a ledger row carries a canary password");
            }
        }
        for (String pasted : HostileCommands.PASTED_PARTS) {
            for (EventLog.Recorded r : events.records()) {
                boolean deadLetter = r.topic().endsWith(".DLT");
                if (!deadLetter && r.value() != null && r.value().contains(pasted)
                        || r.headers().values().stream().anyMatch(v -> v != null && v.contains(pasted))) {
                    throw new AssertionError("a record on " + r.topic() + " echoes a value that is not a reference: "
                            + r.value());
                }
            }
            logs.assertNoLineContains(pasted);
            if (ledgers.contains(pasted)) {
                throw new AssertionError("a ledger row stores a value that is not a reference: " + pasted);
            }
        }
    }

    /** A TCP port on this machine where nothing listens: the "unreachable server" cases. */
    public static int closedPort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
            } else if (c.mustSay() != null && !refusal.reason().contains(c.mustSay())) {
                findings.add(c.name() + ": the reason does not name " + c.mustSay() + ": " + refusal.reason());
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

    /** How many run rows every ledger on {@code control} holds for this run id (the command's id). */
    public static long runRows(PostgresCluster control, java.util.UUID runId) {
        long rows = 0;
        try (Connection c = control.connect(ServiceRunner.CONTROL_DATABASE)) {
            List<String> ledgers = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select format('%I.%I', schemaname, tablename) from pg_tables where tablename = 'run'")) {
                while (rs.next()) {
                    ledgers.add(rs.getString(1));
                }
            }
            for (String run : ledgers) {
                try (var statement = c.prepareStatement("select count(*) from " + run + " where run_id = ?")) {
                    statement.setObject(1, runId);
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        rows += rs.getLong(1);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the ledgers", e);
        }
        return rows;
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
