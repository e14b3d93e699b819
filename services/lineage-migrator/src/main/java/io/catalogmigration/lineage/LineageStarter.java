package io.catalogmigration.lineage;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.logging.ErrorText;
import io.catalogmigration.common.contract.StartLineageMigration;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.progress.Progress;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * START: preconditions (both databases reachable, broker round trip, the link table there and readable, the V3
 * tables creatable), all looked at before the V3 tables are created, then sizing and an estimate, then the two jobs
 * are opened and publishing begins from the pointer. A failed precondition is the run's failed outcome, finished as
 * FAILED in the ledger, and nothing written anywhere.
 */
record LineageStarter(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                      GraphSchema schema, BrokerProbe probe, LinkPublisher publisher, LineageOutcomes outcomes,
                      ProgressReporter progress, RunStart runStart, RunLease lease) {

    private static final Logger log = LoggerFactory.getLogger(LineageStarter.class);

    void start(StartLineageMigration command) {
        runStart.take(command, Jobs.RUN_KIND, MessageJson.mapper().writeValueAsString(command), List.of(pointer(settings)),
                (why, problem) -> outcomes.failed(command.commandId(), command.migrationId(), why == RunStart.Refusal.BUSY
                        ? "a lineage migration is already running: " + problem.reason() : problem.reason(), problem.action(),
                        null, null),
                () -> prepare(command));
    }

    /**
     * What a lineage run holds until it finishes, and a pointer reset while it runs: the migration pointer (one row per
     * job name in the control database), which every run into any lineage database reads and moves. Holding it
     * serializes the runs exactly where they would collide.
     */
    static String pointer(LineageProperties settings) {
        return RunAdmission.named("lineage pointer", settings.pointerJobName());
    }

    /** Also called on restart for a run that was still preparing: nothing had been published yet. */
    void prepare(StartLineageMigration command) {
        UUID runId = command.commandId();
        var problems = problems(command);
        if (!problems.isEmpty()) {
            outcomes.failed(runId, command.migrationId(), "invalid StartLineageMigration: " + String.join("; ", problems),
                    "correct the command and send it again with a new commandId; nothing was written", null, null);
            return;
        }
        Instant started = Instant.now();
        log.info("Lineage run {} of migration {}: checking {} and {}, the broker and the V3 tables", runId,
                command.migrationId(), command.source().describe(), command.target().describe());
        try (Connection target = connector.connect(command.target()); Connection source = connector.connect(command.source())) {
            String broker = probe.check();
            if (broker != null) {
                outcomes.failed(runId, command.migrationId(), broker,
                        "check the Kafka brokers (the runbook's event-bus check), then send the command again; nothing was written", null, null);
                return;
            }
            // Everything is looked at before the first table is created: a start that cannot go on writes nothing.
            var table = TableName.parse(settings.sourceTable());
            var linkSource = LinkSource.find(source, table);
            if (linkSource == null) {
                outcomes.failed(runId, command.migrationId(), "there is no link table " + table + " with source, source_otype, "
                        + "target and target_otype in " + command.source().describe(),
                        "point source at the rosemeta database, or set lineage.source-table, then send the command again; "
                                + "nothing was written", null, null);
                return;
            }
            if (!linkSource.readable(source)) {
                outcomes.failed(runId, command.migrationId(), command.source().user() + " may not read the link table "
                                + table + " in " + command.source().describe(),
                        "GRANT SELECT ON " + table + " TO " + command.source().user() + " (or use a user that may read "
                                + "it), then send the command again; nothing was written", null, null);
                return;
            }
            String cannotCreate = GraphSchema.cannotCreate(target);
            if (cannotCreate != null) {
                outcomes.failed(runId, command.migrationId(), "the V3 tables cannot be created in "
                                + command.target().describe() + ": " + cannotCreate,
                        "grant the target user CREATE on its schema (or create the V3 tables beforehand), then send the "
                                + "command again; nothing was written", null, null);
                return;
            }
            schema.ensure(command.target());
            if (links.pointer() == 0) {
                // From the start (a first run, or after ResetLineagePointer): what an earlier run wrote goes first.
                String cleared = GraphWriter.clear(target, settings.v3FlagName());
                if (cleared != null) {
                    log.warn("Lineage run {}: the pointer is at 0, so the graph is rebuilt from the start: {}", runId, cleared);
                }
                if (EdgeKey.defer(target)) {
                    log.info("Lineage run {}: the edge table is empty, so its primary key is built once the links are in, "
                            + "not row by row", runId);
                }
            }
            LinkSource.workMem(source, settings.workMem());
            long bytes = linkSource.totalBytes(source);
            // The planner's estimate, not a count: a count is a full pass over the table before the first link; the
            // publisher's stream counts them exactly as it goes.
            long total = linkSource.estimatedLinks(source);
            long pointer = links.pointer();
            long planned = Math.max(0, total - pointer);
            int perMessage = command.linksPerMessage() == null ? settings.linksPerMessage() : command.linksPerMessage();
            String sizing = String.format(Locale.ROOT, "%s is %,.1f MB with about %,d distinct links (the planner's "
                            + "estimate; they are counted exactly as they are published); pointer at %,d, so about %,d to "
                            + "migrate in %,d messages; estimated %s", table, bytes / 1048576.0, total, pointer, planned,
                    (planned + perMessage - 1) / perMessage, eta(planned));
            var plan = new LineagePlan(bytes, total, pointer, perMessage);
            ledger.start(runId, "PUBLISHING", planned, MessageJson.mapper().writeValueAsString(plan), List.of());
            ledger.say(runId, sizing);
            openJob(Jobs.links(runId), command, planned, "Publishing " + planned + " links");
            openJob(Jobs.linkNodes(runId), command, planned, "Migrating the nodes of " + planned + " links");
            progress.announce(new Progress(command.migrationId(), runId, "sizing", 0, planned, "links", started, sizing));
            lease.acquire(runId);
            publisher.publishInBackground(runId);
        } catch (SecretUnavailableException e) {
            outcomes.failed(runId, command.migrationId(), e.getMessage(),
                    "make the secret available to the lineage migrator, then send the command again; nothing was written", null, null);
        } catch (SQLException | FlywayException e) {
            outcomes.failed(runId, command.migrationId(), "cannot prepare the migration: " + ErrorText.message(e),
                    "check that " + command.source().describe() + " and " + command.target().describe()
                            + " are reachable and the users may read the links and create tables, then send the command again; nothing was written",
                    null, null);
        } catch (RuntimeException e) {
            log.warn("Lineage run {}: preparing failed ({}); the command will be delivered again", runId, e.toString());
            throw e;
        }
    }

    private void openJob(UUID jobId, StartLineageMigration command, long planned, String message) {
        ledger.open(jobId, command.migrationId(), jobId.equals(Jobs.links(command.commandId())) ? Jobs.LINKS : Jobs.LINK_NODES,
                MessageJson.mapper().writeValueAsString(command));
        ledger.start(jobId, "STARTED", planned, null, List.of());
        ledger.say(jobId, message);
    }

    private String eta(long links) {
        long seconds = links / Math.max(1, settings.expectedLinksPerSecond());
        return seconds < 60 ? "under a minute" : "about " + (seconds / 60 + 1) + " minutes";
    }

    private static List<String> problems(StartLineageMigration command) {
        var problems = CommandProblems.of(command)
                .endpoint("source", command.source(), "the rosemeta database holding object_lineage_link")
                .endpoint("target", command.target(), "the lineage database");
        if (command.linksPerMessage() != null && (command.linksPerMessage() < 1 || command.linksPerMessage() > 100)) {
            problems.add("linksPerMessage " + command.linksPerMessage() + " is outside 1..100");
        }
        return problems.list();
    }
}
