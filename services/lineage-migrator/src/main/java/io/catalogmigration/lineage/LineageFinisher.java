package io.catalogmigration.lineage;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * The service validates its own work, as the runbook's operator did by hand: the distinct links it read from the
 * source (the publisher streams every one of them, so it knows the exact count) against lineage edges in the target. Equal: V3 is switched on. Different: the run fails, V2 stays, both counts are named.
 */
class LineageFinisher {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LineageFinisher.class);

    private final LineageProperties settings;
    private final RunLedger ledger;
    private final JdbcTemplate control;
    private final PgConnector connector;
    private final LineageOutcomes outcomes;

    LineageFinisher(LineageProperties settings, RunLedger ledger, JdbcTemplate control, PgConnector connector,
                    LineageOutcomes outcomes) {
        this.settings = settings;
        this.ledger = ledger;
        this.control = control;
        this.connector = connector;
        this.outcomes = outcomes;
    }

    /** Validates once all links are persisted: by the one caller that moves the run on, or again after a failed try. */
    void finish(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        if (ledger.advanceStage(runId, "PERSISTING", "VALIDATING") || "VALIDATING".equals(run.stage()) && !run.finished()) {
            validate(runId);
        }
    }

    void validate(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        var command = MessageJson.mapper().readValue(run.command(), StartLineageMigration.class);
        var plan = MessageJson.mapper().readValue(run.plan(), LineagePlan.class);
        try (Connection target = connector.connect(command.target())) {
            // The exact distinct-link count as the publisher read it from the source: no second full scan.
            long links = Math.max(plan.startOrdinal(), control.queryForObject(
                    "select coalesce(max(first_ordinal + links), 0) from link_batch where run_id = ?", Long.class, runId));
            long counted = System.nanoTime();
            long edges = count(target, "select count(*) from edge where relation_type = " + GraphWriter.LINEAGE);
            // The link-nodes job finishes either way: its nodes are right whatever the edge count says.
            long nodes = GraphWriter.mergeNodes(target, settings.workMem());
            log.info("Lineage run {}: the link-nodes job merged {} nodes in {} ms", runId, nodes,
                    (System.nanoTime() - counted) / 1_000_000);
            if (links != edges) {
                outcomes.failed(runId, run.migrationId(), "validation failed: " + links + " distinct links in the source but "
                                + edges + " lineage edges in the target",
                        "lineage V3 was not enabled. Look for edges written outside this migration or links changed during it; "
                                + "then send ResetLineagePointer and StartLineageMigration again to rebuild the graph from the start",
                        links, edges);
                return;
            }
            enableV3(target);
            long messages = control.queryForObject("select count(*) from link_batch where run_id = ?", Long.class, runId);
            ledger.say(Jobs.linkNodes(runId), "Migrated " + nodes + " nodes in " + messages + " messages");
            long elapsed = Instant.now().toEpochMilli() - run.startedAt().toEpochMilli();
            outcomes.succeeded(new LineageMigrated(UUID.randomUUID(), run.migrationId(), Instant.now(), runId, links, edges,
                            nodes, messages, plan.sourceBytes(), elapsed, true),
                    "Migrated %d links as %d edges and %d nodes in %.1f s; validation passed; lineage V3 enabled"
                            .formatted(links, edges, nodes, elapsed / 1000.0));
        } catch (SQLException e) {
            throw new IllegalStateException("validating lineage run " + runId + " failed: " + ErrorText.message(e)
                    + "; it is tried again with the next message or restart", e);
        }
    }

    private void enableV3(Connection target) throws SQLException {
        try (var ps = target.prepareStatement("""
                insert into lineage_setting (name, value) values (?, 'true')
                on conflict (name) do update set value = 'true', ts_updated = now()""")) {
            ps.setString(1, settings.v3FlagName());
            ps.executeUpdate();
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
