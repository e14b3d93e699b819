package io.catalogmigration.provisioner;

import io.catalogmigration.common.contract.SizingInputs;
import io.catalogmigration.common.contract.TargetPlan;
import io.catalogmigration.provisioner.ProvisionerProperties.InstanceClassRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runbook's step 3 as arithmetic: storage is twice the source databases (room for the copy's indexes and
 * WAL while replication catches up), instance class from the object count and user load, workers from the CPUs.
 */
final class Sizing {

    /** psql's "GB" (pg_size_pretty) and RDS's allocated storage are both 2^30 bytes. */
    static final long GIB = 1L << 30;

    static TargetPlan plan(SizingInputs inputs, ProvisionerProperties settings, boolean cpusGiven, boolean usersGiven) {
        List<String> reasoning = new ArrayList<>();
        long total = inputs.databaseBytes().values().stream().mapToLong(Long::longValue).sum();
        int storage = storageGb(total, settings.minimumStorageGb(), settings.maximumStorageGb());
        long doubled = doubledGb(total);
        reasoning.add(String.format(Locale.ROOT, "storage: %s = %s; doubled and rounded up: %,d GiB%s",
                describe(inputs), gib(total), doubled, doubled < storage ? ", below the minimum, so " + storage + " GiB" : ""));

        String instanceClass = instanceClass(inputs.objectCount(), inputs.concurrentUsers(),
                settings.sizing().instanceClasses(), reasoning);
        reasoning.add(String.format(Locale.ROOT, "instance class: %,d objects (%s), %d concurrent users (%s) -> %s",
                inputs.objectCount(), inputs.objectCountMeasured() ? "estimated from the source's row counts" : "given",
                inputs.concurrentUsers(), usersGiven ? "given" : "assumed: provisioner.sizing.default-concurrent-users",
                instanceClass));

        int workers = workers(inputs.sourceCpuCount(), settings.sizing().maxWorkers());
        reasoning.add(String.format(Locale.ROOT, "migration workers: %d from the source's %d CPUs (%s)%s", workers,
                inputs.sourceCpuCount(), cpusGiven ? "given" : "assumed: provisioner.sizing.default-source-cpus",
                workers < inputs.sourceCpuCount() ? ", capped by provisioner.sizing.max-workers" : ""));

        var parameters = ReplicationParameters.forWorkers(workers, settings.databases().size());
        reasoning.add(ReplicationParameters.explain(workers, settings.databases().size()));
        return new TargetPlan(storage, instanceClass, workers, parameters, inputs, List.copyOf(reasoning));
    }

    /** Twice the bytes, in whole GiB rounded up, at least {@code min}; more than {@code max} cannot be provisioned. */
    static int storageGb(long sourceBytes, int min, int max) {
        if (sourceBytes < 0) {
            throw new IllegalArgumentException("database sizes cannot be negative: " + sourceBytes);
        }
        long gb = doubledGb(sourceBytes);
        if (gb > max) {
            throw new SizingRejected(String.format(Locale.ROOT,
                    "the target needs %,d GiB (twice the source's %s), more than the maximum of %,d GiB", gb, gib(sourceBytes), max),
                    "shrink the source first (StartPrune deletes old query-log, change and metrics rows), then plan again; "
                            + "raise provisioner.maximum-storage-gb only if your storage type allows more");
        }
        return (int) Math.max(min, gb);
    }

    static long doubledGb(long bytes) {
        long doubled = Math.multiplyExact(bytes, 2);
        return doubled / GIB + (doubled % GIB == 0 ? 0 : 1);
    }

    /** The first row whose bounds hold; past every row, the last (largest) one, with a note to review it. */
    static String instanceClass(long objects, int users, List<InstanceClassRule> table, List<String> reasoning) {
        for (InstanceClassRule rule : table) {
            if (rule.fits(objects, users)) {
                return rule.instanceClass();
            }
        }
        InstanceClassRule largest = table.get(table.size() - 1);
        reasoning.add(String.format(Locale.ROOT, "WARNING: %,d objects and %d users are beyond every row of "
                + "provisioner.sizing.instance-classes; the largest row's %s is used: review it with your DBA",
                objects, users, largest.instanceClass()));
        return largest.instanceClass();
    }

    /** One worker per source CPU, as the runbook's scripts use one thread per core, within 1..max. */
    static int workers(int sourceCpus, int maxWorkers) {
        return Math.max(1, Math.min(sourceCpus, maxWorkers));
    }

    private static String describe(SizingInputs inputs) {
        var parts = new ArrayList<String>();
        inputs.databaseBytes().forEach((name, bytes) -> parts.add(name + " " + gib(bytes)));
        return String.join(" + ", parts);
    }

    /** As psql's pg_size_pretty would say it, to one decimal. */
    static String gib(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private Sizing() {
    }
}
