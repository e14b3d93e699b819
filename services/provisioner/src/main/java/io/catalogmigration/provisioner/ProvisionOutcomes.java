package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.OutcomeEvent;
import io.catalogmigration.common.contract.ProvisionFailed;
import io.catalogmigration.common.contract.TargetDeprovisioned;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.contract.TargetProvisioned;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.common.ledger.RunStatus;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.run.RunOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The one outcome of a run, with its log lines; common's RunOutcomes records it and ends the run. */
record ProvisionOutcomes(RunOutcomes runs) {

    private static final Logger log = LoggerFactory.getLogger(ProvisionOutcomes.class);

    void failed(UUID runId, String migrationId, String command, String provider, MigrationProblem problem,
                List<String> resourcesLeft) {
        log.error("Provisioner run {} ({}) of migration {} FAILED: {}. What to do: {}{}", runId, command, migrationId,
                problem.reason(), problem.action(), resourcesLeft.isEmpty() ? "" : ". Resources of this migration: " + resourcesLeft);
        var event = new ProvisionFailed(UUID.randomUUID(), migrationId, Instant.now(), runId, command, provider,
                problem.reason(), problem.action(), problem.code(), List.copyOf(resourcesLeft));
        finish(event, RunStatus.FAILED, "Failed: " + problem.reason());
    }

    void planned(TargetPlanned event) {
        log.info("Provisioner run {} of migration {}: planned {} GiB on {} with {} workers. {}", event.runId(),
                event.migrationId(), event.plan().storageGb(), event.plan().instanceClass(), event.plan().migrationWorkers(),
                String.join("; ", event.plan().reasoning()));
        finish(event, RunStatus.SUCCEEDED, "Planned %d GiB, %s, %d workers".formatted(event.plan().storageGb(),
                event.plan().instanceClass(), event.plan().migrationWorkers()));
    }

    void provisioned(TargetProvisioned event) {
        String summary = "Target ready (%s): %s:%d, databases %s, app user %s with its password at %s".formatted(
                event.provider(), event.host(), event.port(), event.databases(), event.appUser(), event.appUserSecretRef());
        log.info("Provisioner run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        finish(event, RunStatus.SUCCEEDED, summary);
    }

    void deprovisioned(TargetDeprovisioned event) {
        String summary = "Removed %s; already gone: %s; left alone (not this migration's): %s".formatted(
                event.deleted(), event.alreadyGone(), event.kept());
        log.info("Provisioner run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        finish(event, RunStatus.SUCCEEDED, summary);
    }

    void snapshotTaken(TargetSnapshotTaken event) {
        String summary = "Snapshot " + event.snapshotIdentifier() + " of the target (" + event.provider() + ") is complete"
                + (event.location() == null ? "" : " in " + event.location())
                + (event.snapshotArn() == null ? "" : " (" + event.snapshotArn() + ")");
        log.info("Provisioner run {} of migration {}: {}", event.runId(), event.migrationId(), summary);
        finish(event, RunStatus.SUCCEEDED, summary);
    }

    private void finish(OutcomeEvent event, RunStatus status, String summary) {
        runs.finish(event, status, summary, summary);
    }
}
