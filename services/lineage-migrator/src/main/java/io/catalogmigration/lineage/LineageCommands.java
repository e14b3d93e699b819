package io.catalogmigration.lineage;

import io.catalogmigration.common.command.CommandProblems;
import io.catalogmigration.common.command.CommandAge;
import io.catalogmigration.common.contract.LineagePointerReset;
import io.catalogmigration.common.contract.LineageValidated;
import io.catalogmigration.common.contract.ResetLineagePointer;
import io.catalogmigration.common.contract.ValidateLineage;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.pg.PgConnector;
import io.catalogmigration.common.pg.TableName;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** RESET_POINTER and VALIDATE: each a short run of its own, with one outcome. */
record LineageCommands(LineageProperties settings, RunLedger ledger, LinkLedger links, PgConnector connector,
                       LineageOutcomes outcomes, CommandAge age) {

    private static final Logger log = LoggerFactory.getLogger(LineageCommands.class);

    void reset(ResetLineagePointer command) {
        if (!open(command.commandId(), command.migrationId(), "lineage-reset", MessageJson.mapper().writeValueAsString(command))
                || tooOld(command)) {
            return;
        }
        // A run holds the pointer (LineageStarter): the reset looks at that hold without taking it, so a reset that
        // fails half-way never keeps the pointer from the next START.
        var holder = ledger.holder(List.of(LineageStarter.pointer(settings)), command.commandId());
        if (holder.isPresent()) {
            var busy = RunAdmission.busy("ResetLineagePointer", holder);
            outcomes.failed(command.commandId(), command.migrationId(), "the pointer cannot be reset while lineage run "
                    + holder.get().run().runId() + " is migrating: " + busy.reason(), busy.action(), null, null);
            return;
        }
        long pointer = links.resetPointer();
        log.info("Lineage pointer of job {} reset; read back {}", settings.pointerJobName(), pointer);
        outcomes.succeeded(new LineagePointerReset(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                settings.pointerJobName(), pointer), "Pointer of " + settings.pointerJobName() + " reset; read back " + pointer);
    }

    void validate(ValidateLineage command) {
        if (!open(command.commandId(), command.migrationId(), "lineage-validate", MessageJson.mapper().writeValueAsString(command))
                || tooOld(command)) {
            return;
        }
        var problems = CommandProblems.of(command).endpoint("source", command.source(), "the rosemeta database")
                .endpoint("target", command.target(), "the lineage database");
        if (!problems.isEmpty()) {
            outcomes.failed(command.commandId(), command.migrationId(), "invalid ValidateLineage: "
                            + String.join("; ", problems.list()),
                    "correct the command and send it again with a new commandId", null, null);
            return;
        }
        try (Connection source = connector.connect(command.source()); Connection target = connector.connect(command.target())) {
            var linkSource = LinkSource.find(source, TableName.parse(settings.sourceTable()));
            if (linkSource == null) {
                outcomes.failed(command.commandId(), command.migrationId(), "there is no link table " + settings.sourceTable()
                        + " in " + command.source().describe(), "point source at the rosemeta database", null, null);
                return;
            }
            LinkSource.workMem(source, settings.workMem());
            // Sets, not counts: one link deleted and another added would leave the counts equal.
            var compared = GraphReconciler.reconcile(source, linkSource, target, false);
            boolean equal = compared.equal();
            outcomes.succeeded(new LineageValidated(UUID.randomUUID(), command.migrationId(), Instant.now(), command.commandId(),
                    compared.sourceLinks(), compared.edges(), equal), "Validation by key: " + compared.sourceLinks()
                    + " distinct links, " + compared.edges() + " lineage edges" + (equal ? " (equal as sets, nodes too)"
                    : " (DIFFERENT: " + compared.edgesAdded() + " links without an edge, " + compared.edgesRemoved()
                    + " edges without a link, " + (compared.nodesAdded() + compared.nodesRemoved()) + " nodes differing; e.g. "
                    + compared.examples() + ")"));
        } catch (SecretUnavailableException | SQLException e) {
            outcomes.failed(command.commandId(), command.migrationId(), "cannot count: " + e.getMessage(),
                    "check that both databases are reachable and the graph tables exist (a START creates them)", null, null);
        }
    }

    /** A command older than migration.commands.max-age is refused with its outcome (see CommandAge). */
    private boolean tooOld(io.catalogmigration.common.contract.MigrationCommand command) {
        var refusal = age.refusal(command);
        refusal.ifPresent(r -> outcomes.failed(command.commandId(), command.migrationId(), r.reason(), r.action(), null, null));
        return refusal.isPresent();
    }

    private boolean open(UUID commandId, String migrationId, String kind, String json) {
        if (commandId == null || migrationId == null || migrationId.isBlank()) {
            log.error("{} command without commandId or migrationId ignored (nothing was changed)", kind);
            return false;
        }
        if (!ledger.open(commandId, migrationId, kind, json)) {
            log.info("{} command {} was handled before: ignoring the redelivery", kind, commandId);
            return false;
        }
        return true;
    }
}
