package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.DeprovisionTarget;
import io.catalogmigration.common.contract.PgEndpoint;
import io.catalogmigration.common.contract.PlanTarget;
import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.ProvisionTarget;
import io.catalogmigration.common.contract.SizingInputs;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.common.contract.TargetPlanned;
import io.catalogmigration.common.kafka.MessageJson;
import io.catalogmigration.common.ledger.RunLedger;
import io.catalogmigration.common.progress.ProgressReporter;
import io.catalogmigration.common.run.CommandThreads;
import io.catalogmigration.common.run.MigrationProblem;
import io.catalogmigration.common.run.RunAdmission;
import io.catalogmigration.common.run.RunStart;
import io.catalogmigration.common.secret.SecretUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Opens a run per command (idempotent on commandId) and carries it out on the provisioning thread, away from the
 * Kafka listener: creating an RDS instance takes longer than a consumer may stay away from its poll loop. Whatever
 * happens, a run ends with exactly one outcome, unless the service stops mid-run; then it stays unfinished in the
 * ledger and {@link ProvisionRecovery} runs it again (every step adopts what exists).
 */
record ProvisionRuns(ProvisionerProperties settings, RunLedger ledger, ProgressReporter progress, SourceSurvey survey,
                     AwsProvisioner aws, AwsDeprovisioner awsRemoval, RdsSnapshot awsSnapshot, LocalTarget local,
                     ProvisionOutcomes outcomes, RunStart runStart, CommandThreads thread) {

    static final String KIND = "provisioner";

    private static final Logger log = LoggerFactory.getLogger(ProvisionRuns.class);

    void start(ProvisionCommand command) {
        runStart.take(command, KIND, MessageJson.mapper().writeValueAsString(command), resources(command, provider(command)),
                (why, problem) -> outcomes.failed(command.commandId(), command.migrationId(),
                        command.getClass().getSimpleName(), provider(command), problem, List.of()),
                () -> submit(command));
    }

    /**
     * What a command creates, snapshots or removes, held until it finishes: the RDS instance (by region and identifier)
     * or the local server standing in for it. A second command for it would create it twice or remove it under the
     * first. PlanTarget creates nothing and holds nothing.
     */
    static List<String> resources(ProvisionCommand command, String provider) {
        if (command instanceof PlanTarget || provider == null || command.migrationId() == null) {
            return List.of();
        }
        String region = command instanceof ProvisionTarget p ? p.region() : command instanceof SnapshotTarget s ? s.region()
                : ((DeprovisionTarget) command).region();
        String identifier = command instanceof ProvisionTarget p ? p.dbInstanceIdentifier()
                : command instanceof SnapshotTarget s ? s.dbInstanceIdentifier() : ((DeprovisionTarget) command).dbInstanceIdentifier();
        PgEndpoint target = command instanceof ProvisionTarget p ? p.target() : command instanceof SnapshotTarget s ? s.target()
                : ((DeprovisionTarget) command).target();
        if (ProvisionCommand.AWS.equals(provider)) {
            String instance = identifier != null ? identifier : ResourceNames.defaultInstanceIdentifier(command.migrationId());
            return List.of(RunAdmission.named("rds instance", region + "/" + instance.toLowerCase(java.util.Locale.ROOT)));
        }
        return target == null || target.host() == null ? List.of()
                : List.of(RunAdmission.named("target server", target.host().toLowerCase(java.util.Locale.ROOT) + ":" + target.port()));
    }

    void submit(ProvisionCommand command) {
        thread.submit(command, null, () -> run(command));
    }

    /** True while the run is queued or carried out here: recovery leaves it alone. */
    boolean running(UUID runId) {
        return thread.running(runId);
    }

    /** Runs a command to its one outcome. Called again for an unfinished run on restart. */
    void run(ProvisionCommand command) {
        UUID runId = command.commandId();
        try {
            Runnable outcome = carryOut(command);
            if (outcome != null) {
                outcome.run();
            }
        } catch (RuntimeException e) {
            // Only publishing the outcome gets here: the work is done, so the run stays unfinished and is run again
            // (adopting everything) at the next start, rather than be reported as failed.
            log.error("Provisioner run {} of migration {} could not record its outcome: {}. It stays unfinished and runs "
                    + "again when the service restarts.", runId, command.migrationId(), e.getMessage(), e);
        } finally {
            progress.forget(runId);
        }
    }

    /** Does the work and decides the outcome; null when the service is stopping and the run must stay unfinished. */
    private Runnable carryOut(ProvisionCommand command) {
        UUID runId = command.commandId();
        String provider = provider(command);
        String type = type(command);
        var steps = new RunSteps(ledger, progress, runId, command.migrationId(), steps(command, provider));
        try {
            var problems = CommandCheck.problems(command, provider);
            if (!problems.isEmpty()) {
                throw MigrationProblem.withCode("invalid " + type + ": " + String.join("; ", problems),
                        "correct the command and send it again with a new commandId; nothing was created", null);
            }
            if (command instanceof PlanTarget plan) {
                var target = plan(runId, plan.source(), plan.objectCount(), plan.concurrentUsers(), plan.sourceCpuCount(),
                        "PLANNED", steps);
                var event = new TargetPlanned(UUID.randomUUID(), plan.migrationId(), Instant.now(), runId, target.plan());
                return () -> outcomes.planned(event);
            }
            if (command instanceof ProvisionTarget provision) {
                var target = plan(runId, provision.source(), provision.objectCount(), provision.concurrentUsers(),
                        provision.sourceCpuCount(), "PROVISIONING", steps);
                var event = ProvisionCommand.AWS.equals(provider)
                        ? aws.provision(provision, target.plan(), target.sourceMajor(), steps)
                        : local.provision(provision, target.plan(), steps);
                return () -> outcomes.provisioned(event);
            }
            if (command instanceof SnapshotTarget snapshot) {
                ledger.start(runId, "SNAPSHOT", steps.total(), null, List.of());
                var event = ProvisionCommand.AWS.equals(provider)
                        ? awsSnapshot.take(snapshot, steps) : local.snapshot(snapshot, steps);
                return () -> outcomes.snapshotTaken(event);
            }
            var deprovision = (DeprovisionTarget) command;
            ledger.start(runId, "DEPROVISIONING", steps.total(), null, List.of());
            var event = ProvisionCommand.AWS.equals(provider)
                    ? awsRemoval.deprovision(deprovision, steps) : local.deprovision(deprovision, steps);
            return () -> outcomes.deprovisioned(event);
        } catch (MigrationProblem problem) {
            return () -> outcomes.failed(runId, command.migrationId(), type, provider, problem, steps.resources());
        } catch (SecretUnavailableException e) {
            var problem = MigrationProblem.withCode(e.getMessage(),
                    "make the secret available to the provisioner, then send the command again with a new commandId", null);
            return () -> outcomes.failed(runId, command.migrationId(), type, provider, problem, steps.resources());
        } catch (RuntimeException e) {
            if (Interruption.stopping(e)) {
                log.warn("Provisioner run {} of migration {} stopped with the service mid-run; it resumes when the service "
                        + "starts again", runId, command.migrationId());
                return null;
            }
            log.error("Provisioner run {} hit an unexpected error", runId, e);
            var problem = MigrationProblem.withCode("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    "look at the provisioner's log for this run, fix the cause, then send the command again with a new "
                            + "commandId: what exists is adopted", null);
            return () -> outcomes.failed(runId, command.migrationId(), type, provider, problem, steps.resources());
        }
    }

    private record Planned(TargetPlan plan, int sourceMajor) {
    }

    /** Measures the source and sizes the target; the plan is recorded in the ledger before anything is created. */
    private Planned plan(UUID runId, PgEndpoint source, Long objectCount,
                         Integer concurrentUsers, Integer sourceCpuCount, String stage, RunSteps steps) {
        var facts = survey.measure(source, settings.databases());
        var sizes = new StringJoiner(", ");
        facts.databaseBytes().forEach((name, bytes) -> sizes.add(name + " " + Sizing.gib(bytes)));
        steps.step("measuring", "source " + source.describe() + ": " + sizes + ", PostgreSQL " + facts.serverVersion());
        var inputs = new SizingInputs(facts.databaseBytes(), objectCount != null ? objectCount : facts.rowEstimate(),
                objectCount == null, concurrentUsers != null ? concurrentUsers : settings.sizing().defaultConcurrentUsers(),
                sourceCpuCount != null ? sourceCpuCount : settings.sizing().defaultSourceCpus(), facts.serverVersion());
        var plan = Sizing.plan(inputs, settings, sourceCpuCount != null, concurrentUsers != null);
        ledger.start(runId, stage, steps.total(), MessageJson.mapper().writeValueAsString(plan), List.of());
        steps.step("planning", "planned %d GiB, %s, %d workers".formatted(plan.storageGb(), plan.instanceClass(),
                plan.migrationWorkers()));
        return new Planned(plan, facts.major());
    }

    /** Null for PlanTarget, which creates nothing anywhere. */
    private String provider(ProvisionCommand command) {
        if (command instanceof PlanTarget) {
            return null;
        }
        String named = command instanceof ProvisionTarget p ? p.provider()
                : command instanceof SnapshotTarget s ? s.provider() : ((DeprovisionTarget) command).provider();
        return named == null ? settings.provider() : named;
    }

    private static int steps(ProvisionCommand command, String provider) {
        boolean aws = ProvisionCommand.AWS.equals(provider);
        if (command instanceof ProvisionTarget) {
            return 2 + (aws ? AwsProvisioner.STEPS : LocalTarget.PROVISION_STEPS);
        }
        if (command instanceof DeprovisionTarget) {
            return aws ? AwsDeprovisioner.STEPS : LocalTarget.DEPROVISION_STEPS;
        }
        if (command instanceof SnapshotTarget) {
            return aws ? RdsSnapshot.STEPS : LocalTarget.SNAPSHOT_STEPS;
        }
        return 2;
    }

    private static String type(ProvisionCommand command) {
        return command.getClass().getSimpleName();
    }
}
