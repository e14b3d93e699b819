package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.ProvisionCommand;
import io.catalogmigration.common.contract.SnapshotTarget;
import io.catalogmigration.common.contract.TargetSnapshotTaken;
import io.catalogmigration.common.run.MigrationProblem;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.catalogmigration.provisioner.AwsProvisioner.call;

/**
 * The runbook's last safety step on aws: a manual DB snapshot of the new instance (CreateDBSnapshot, tagged with the
 * migration id), waited for with the SDK's {@code waitUntilDBSnapshotAvailable}. Manual snapshots outlive the
 * instance's automated backups, so this one stays as the first known-good copy on RDS until someone deletes it.
 */
record RdsSnapshot(AwsClients clients, ProvisionerProperties settings) {

    static final int STEPS = 3;

    TargetSnapshotTaken take(SnapshotTarget command, RunSteps run) {
        var rds = clients.in(command.region()).rds();
        String id = command.dbInstanceIdentifier();
        var instance = call("looking up DB instance " + id, () -> RdsInstance.find(rds, id)).orElseThrow(() ->
                MigrationProblem.withCode("DB instance " + id + " does not exist in " + command.region(),
                        "check dbInstanceIdentifier and region (TargetProvisioned names them), then send SnapshotTarget again "
                                + "with a new commandId", "DBInstanceNotFound"));
        Ownership.require(RdsInstance.tags(instance), command.migrationId(), "DB instance " + id);
        // A snapshot can be taken of an available instance only (not while it is backing up or modifying).
        call("waiting for DB instance " + id, () -> RdsInstance.awaitAvailable(rds, id, settings.aws(), run));
        run.step("instance", "DB instance " + id + " is available");

        String name = ResourceNames.of(id, settings.appUser()).cutoverSnapshot(command.commandId());
        List<String> notes = new ArrayList<>();
        var existing = call("looking up DB snapshot " + name, () -> find(rds, name));
        if (existing.isPresent()) {
            Ownership.require(Ownership.tags(existing.get().tagList(), t -> t.key(), t -> t.value()), command.migrationId(),
                    "DB snapshot " + name);
            run.resource("DB snapshot " + name, true);
        } else {
            call("CreateDBSnapshot " + name, () -> rds.createDBSnapshot(b -> b.dbSnapshotIdentifier(name)
                    .dbInstanceIdentifier(id).tags(RdsGroups.tags(command.migrationId()))));
            run.resource("DB snapshot " + name, false);
        }
        run.step("snapshot", "DB snapshot " + name + " of " + id + " requested");
        DBSnapshot snapshot = await(rds, name, run);
        run.step("snapshot-available", "DB snapshot " + name + " is available (" + snapshot.allocatedStorage() + " GiB, "
                + "taken at " + snapshot.snapshotCreateTime() + ")");
        notes.addAll(run.notes());
        return new TargetSnapshotTaken(UUID.randomUUID(), command.migrationId(), Instant.now(), run.runId(),
                ProvisionCommand.AWS, name, snapshot.dbSnapshotArn(), null, notes);
    }

    static Optional<DBSnapshot> find(RdsClient rds, String name) {
        try {
            return rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(name)).dbSnapshots().stream().findFirst();
        } catch (DbSnapshotNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The SDK's waiter polls until the snapshot is available (or failed); each answer is reported as progress. */
    private DBSnapshot await(RdsClient rds, String name, RunSteps run) {
        var aws = settings.aws();
        long started = System.nanoTime();
        var last = new AtomicReference<>("unknown");
        var request = DescribeDbSnapshotsRequest.builder().dbSnapshotIdentifier(name)
                .overrideConfiguration(o -> o.putExecutionAttribute(AwsClients.SNAPSHOT_WAIT_OBSERVER, response -> {
                    response.dbSnapshots().stream().findFirst().ifPresent(s -> last.set(s.status()
                            + (s.percentProgress() == null ? "" : " " + s.percentProgress() + "%")));
                    run.waiting("waiting-for-snapshot", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                            aws.waitMax().toSeconds(), "DB snapshot " + name + " is " + last.get());
                })).build();
        var override = WaiterOverrideConfiguration.builder().waitTimeout(aws.waitMax()).maxAttempts(Integer.MAX_VALUE)
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(aws.waitPollInterval())).build();
        try (var waiter = RdsWaiter.builder().client(rds).build()) {
            return waiter.waitUntilDBSnapshotAvailable(request, override).matched().response().orElseThrow()
                    .dbSnapshots().get(0);
        } catch (SdkClientException e) {
            if (Interruption.stopping(e)) {
                throw e;
            }
            throw MigrationProblem.withCode("DB snapshot " + name + " did not become available within " + aws.waitMax()
                    + "; its last status was " + last.get() + " (" + e.getMessage() + ")",
                    "look at the snapshot in the RDS console; if it was only slow raise provisioner.aws.wait-max; to take "
                            + "another, send SnapshotTarget again with a new commandId", null);
        }
    }
}
