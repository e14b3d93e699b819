package io.catalogmigration.lineage;

import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.contract.LineageMigrated;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Once every message is persisted, the graph is made to equal the source as it is now, and then checked: the
 * staged endpoints become nodes, a reconciliation by key adds the edges of links added during the run and removes
 * those of links deleted during it (the same for nodes), and a last comparison of both sides as sets (not counts)
 * decides. Equal: V3 is switched on. Different (the source kept changing): the run fails, V2 stays, the differences
 * are named. Validation runs under the run's lease, so a dead validator's run is finished by another instance.
 */
class LineageFinisher {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LineageFinisher.class);
    /** Repairs tried before a source that keeps changing fails the run. */
    private static final int ROUNDS = 3;

    private final LineageProperties settings;
    private final RunLedger ledger;
    private final JdbcTemplate control;
    private final PgConnector connector;
    private final LineageOutcomes outcomes;
    private final RunLease lease;
    private final Set<UUID> validating = ConcurrentHashMap.newKeySet();

    LineageFinisher(LineageProperties settings, RunLedger ledger, JdbcTemplate control, PgConnector connector,
                    LineageOutcomes outcomes, RunLease lease) {
        this.settings = settings;
        this.ledger = ledger;
        this.control = control;
        this.connector = connector;
        this.outcomes = outcomes;
        this.lease = lease;
    }

    /**
     * Validates once all links are persisted: by the one caller that moves the run on, or again after a failed try
     * (the watcher of any instance retries a run left in VALIDATING once nobody holds its lease).
     */
    void finish(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        if (!(ledger.advanceStage(runId, "PERSISTING", "VALIDATING") || "VALIDATING".equals(run.stage()) && !run.finished())) {
            return;
        }
        if (!validating.add(runId)) {
            return;
        }
        try {
            if (lease.acquire(runId) == null) {
                return;
            }
            try {
                validate(runId);
            } finally {
                lease.release(runId);
            }
        } finally {
            validating.remove(runId);
        }
    }

    private void validate(UUID runId) {
        var run = ledger.find(runId).orElseThrow();
        if (run.finished()) {
            return;
        }
        var command = MessageJson.mapper().readValue(run.command(), StartLineageMigration.class);
        var plan = MessageJson.mapper().readValue(run.plan(), LineagePlan.class);
        try (Connection target = connector.connect(command.target()); Connection source = connector.connect(command.source())) {
            var links = LinkSource.find(source, TableName.parse(settings.sourceTable()));
            if (links == null) {
                outcomes.failed(runId, run.migrationId(), "the link table " + settings.sourceTable() + " is gone from "
                        + command.source().describe(), "lineage V3 was not enabled; restore the table, then send "
                        + "StartLineageMigration again", null, null);
                return;
            }
            LinkSource.workMem(source, settings.workMem());
            // After a first load the edge key is built first, with the machine to itself: it ends the links job.
            long built = EdgeKey.build(target, settings.workMem());
            if (built >= 0) {
                String message = "Built the edge table's primary key over the loaded links in " + built + " ms";
                log.info("Lineage run {}: {}", runId, message);
                // On the run, not the links job: that job's last word stays the runbook's "Published N links".
                ledger.say(runId, message);
            }
            // The source's side of the first comparison is read while the target merges the nodes: two servers at work.
            long started = System.nanoTime();
            var sourceRead = GraphReconciler.readSource(source, links);
            long merged;
            try {
                merged = GraphWriter.mergeNodes(target, settings.workMem());
            } catch (SQLException | RuntimeException e) {
                // The source's session is closed with this try: let its read end first.
                sourceRead.handle((read, fault) -> null).join();
                throw e;
            }
            log.info("Lineage run {}: the link-nodes job merged {} nodes in {} ms", runId, merged,
                    (System.nanoTime() - started) / 1_000_000);
            GraphReconciler.SourceBuckets firstRead;
            try {
                firstRead = sourceRead.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
            // A round that finds both sides equal repaired nothing, so it is the verdict; after a repair, the sides are
            // compared again.
            GraphReconciler.Result check = null;
            for (int round = 1; round <= ROUNDS && check == null; round++) {
                long reconciling = System.nanoTime();
                var result = GraphReconciler.reconcile(source, links, target, true, round == 1 ? firstRead : null);
                if (result.equal()) {
                    check = result;
                    log.info("Lineage run {}: the graph equals the source by key ({} ms)", runId,
                            (System.nanoTime() - reconciling) / 1_000_000);
                    break;
                }
                String repaired = "Reconciliation by key, round %d: %d edges added and %d removed, %d nodes added or "
                        + "updated and %d removed (links added, changed or deleted in the source during the run), in %d ms; e.g. %s";
                String message = repaired.formatted(round, result.edgesAdded(), result.edgesRemoved(), result.nodesAdded(),
                        result.nodesRemoved(), (System.nanoTime() - reconciling) / 1_000_000, result.examples());
                log.warn("Lineage run {}: {}", runId, message);
                ledger.say(Jobs.links(runId), message);
            }
            if (check == null) {
                // The verdict after the last repair: both sides compared as sets once more, repairing nothing.
                check = GraphReconciler.reconcile(source, links, target, false);
            }
            if (!check.equal()) {
                outcomes.failed(runId, run.migrationId(), "validation failed: the graph differs from the source by key ("
                                + check.sourceLinks() + " distinct links in the source, " + check.edges() + " lineage edges; "
                                + check.edgesAdded() + " links without an edge, " + check.edgesRemoved() + " edges without a link, "
                                + (check.nodesAdded() + check.nodesRemoved()) + " nodes differing; e.g. " + check.examples() + ")",
                        "lineage V3 was not enabled. The source kept changing while the run reconciled: stop the writers of "
                                + settings.sourceTable() + " or send StartLineageMigration again when it is quieter",
                        check.sourceLinks(), check.edges());
                return;
            }
            enableV3(target);
            long messages = control.queryForObject("select count(*) from link_batch where run_id = ? and state = 'DONE'",
                    Long.class, runId);
            ledger.say(Jobs.linkNodes(runId), "Migrated " + check.nodes() + " nodes in " + messages + " messages");
            long elapsed = Instant.now().toEpochMilli() - run.startedAt().toEpochMilli();
            outcomes.succeeded(new LineageMigrated(UUID.randomUUID(), run.migrationId(), Instant.now(), runId,
                            check.sourceLinks(), check.edges(), check.nodes(), messages, plan.sourceBytes(), elapsed, true),
                    "Migrated %d links as %d edges and %d nodes in %.1f s; the graph equals the source by key; lineage V3 enabled"
                            .formatted(check.sourceLinks(), check.edges(), check.nodes(), elapsed / 1000.0));
        } catch (SQLException e) {
            throw new IllegalStateException("validating lineage run " + runId + " failed: " + ErrorText.message(e)
                    + "; another try follows (any instance's watcher)", e);
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
}
