package io.catalogmigration.provisioner;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The provisioner's settings; defaults are the runbook's (steps 3-4), see provisioner.yml and the README.
 *
 * @param provider         the provider of a command that names none ({@code aws} or {@code local})
 * @param minimumStorageGb the smallest allocated storage (the runbook's and gp3's 20 GiB)
 * @param maximumStorageGb the largest allocated storage the runbook allows; a bigger need fails the command
 * @param databases        the source databases that move, all on the source's server
 * @param appUser          the role the catalog application connects as on the target
 */
@ConfigurationProperties("provisioner")
public record ProvisionerProperties(
        @DefaultValue("aws") String provider,
        @DefaultValue("20") int minimumStorageGb,
        @DefaultValue("16384") int maximumStorageGb,
        @DefaultValue({"rosemeta", "lineage"}) List<String> databases,
        @DefaultValue("alation") String appUser,
        @DefaultValue Sizing sizing,
        @DefaultValue Aws aws,
        @DefaultValue Local local) {

    public ProvisionerProperties {
        if (minimumStorageGb < 1 || maximumStorageGb < minimumStorageGb) {
            throw new IllegalArgumentException("provisioner.minimum-storage-gb (" + minimumStorageGb
                    + ") must be positive and at most provisioner.maximum-storage-gb (" + maximumStorageGb + ")");
        }
        databases = List.copyOf(databases);
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("provisioner.databases must name at least one database");
        }
    }

    /**
     * @param defaultSourceCpus       CPUs assumed when a command gives none: conservative, so later steps do not
     *                                overload a source whose size nobody checked
     * @param defaultConcurrentUsers  users assumed when a command gives none: the runbook's lowest band
     * @param maxWorkers              upper bound on migration workers, whatever the source's CPU count
     * @param instanceClasses         the runbook's table: the first row whose bounds hold is used
     */
    public record Sizing(
            @DefaultValue("4") int defaultSourceCpus,
            @DefaultValue("150") int defaultConcurrentUsers,
            @DefaultValue("64") int maxWorkers,
            List<InstanceClassRule> instanceClasses) {

        public Sizing {
            if (defaultSourceCpus < 1 || maxWorkers < 1 || defaultConcurrentUsers < 0) {
                throw new IllegalArgumentException("provisioner.sizing: default-source-cpus and max-workers must be "
                        + "positive, default-concurrent-users not negative");
            }
            instanceClasses = instanceClasses == null || instanceClasses.isEmpty() ? defaultTable() : List.copyOf(instanceClasses);
        }

        /**
         * The runbook's bands (objects up to 5 M, up to 20 M, over 20 M; up to 150 users, 150-800 users). Its class
         * column is blank in the copy we have; see the README for why these classes.
         */
        static List<InstanceClassRule> defaultTable() {
            return List.of(
                    new InstanceClassRule(5_000_000L, 150, "db.m6i.xlarge"),
                    new InstanceClassRule(20_000_000L, 150, "db.m6i.2xlarge"),
                    new InstanceClassRule(null, 800, "db.r6i.4xlarge"));
        }
    }

    /**
     * One row of the instance-class table.
     *
     * @param maxObjects the largest object count of this row; null means no bound
     * @param maxUsers   the largest concurrent user load of this row; null means no bound
     */
    public record InstanceClassRule(Long maxObjects, Integer maxUsers, String instanceClass) {

        public InstanceClassRule {
            if (instanceClass == null || instanceClass.isBlank()) {
                throw new IllegalArgumentException("provisioner.sizing.instance-classes[].instance-class is missing");
            }
        }

        boolean fits(long objects, int users) {
            return (maxObjects == null || objects <= maxObjects) && (maxUsers == null || users <= maxUsers);
        }
    }

    /**
     * @param endpointOverride   one URL for the EC2, RDS and Secrets Manager APIs (a VPC endpoint, or a test stub)
     * @param retryMode          the SDK's retry mode for throttling and transient faults: standard or adaptive
     * @param maxAttempts        attempts per call including the first; null keeps the retry mode's default
     * @param waitMax            how long to wait for the instance to become available (or to be deleted)
     * @param waitPollInterval   how often the waiter asks
     * @param backupRetentionDays automated backups kept; at least 7
     * @param minimumEngineMajor the oldest PostgreSQL major to create, whatever the source runs (older majors are out of
     *                           RDS standard support)
     * @param secretRecoveryDays how long Secrets Manager keeps a deleted secret restorable
     */
    public record Aws(
            URI endpointOverride,
            @DefaultValue("standard") String retryMode,
            Integer maxAttempts,
            @DefaultValue("60m") Duration waitMax,
            @DefaultValue("30s") Duration waitPollInterval,
            @DefaultValue("7") int backupRetentionDays,
            @DefaultValue("postgres") String masterUsername,
            @DefaultValue("5432") int port,
            @DefaultValue("14") int minimumEngineMajor,
            @DefaultValue("7") int secretRecoveryDays) {

        public Aws {
            if (!retryMode.equalsIgnoreCase("standard") && !retryMode.equalsIgnoreCase("adaptive")) {
                throw new IllegalArgumentException("provisioner.aws.retry-mode must be standard or adaptive, got " + retryMode);
            }
            if (maxAttempts != null && maxAttempts < 1) {
                throw new IllegalArgumentException("provisioner.aws.max-attempts must be at least 1, got " + maxAttempts);
            }
            if (waitPollInterval.isNegative() || waitPollInterval.isZero() || waitMax.compareTo(waitPollInterval) < 0) {
                throw new IllegalArgumentException("provisioner.aws.wait-poll-interval must be positive and at most "
                        + "provisioner.aws.wait-max");
            }
            if (backupRetentionDays < 7 || backupRetentionDays > 35) {
                throw new IllegalArgumentException("provisioner.aws.backup-retention-days must be 7-35 (RDS allows at most 35), got "
                        + backupRetentionDays);
            }
            if (secretRecoveryDays < 7 || secretRecoveryDays > 30) {
                throw new IllegalArgumentException("provisioner.aws.secret-recovery-days must be 7-30 (Secrets Manager's range), got "
                        + secretRecoveryDays);
            }
        }
    }

    /**
     * @param secretDirectory   where the local provider keeps generated passwords, one 0600 file each
     * @param snapshotDirectory where SnapshotTarget's dumps go, one directory per snapshot
     * @param binDirectory      where pg_dump is (of the target's major or newer); empty: found automatically
     * @param dumpTimeout       longest one database's dump may take
     */
    public record Local(Path secretDirectory, Path snapshotDirectory, String binDirectory,
                        @DefaultValue("12h") Duration dumpTimeout) {

        public Local {
            if (secretDirectory == null) {
                secretDirectory = Path.of(System.getProperty("user.home"), ".catalog-migration", "secrets");
            }
            if (snapshotDirectory == null) {
                snapshotDirectory = Path.of(System.getProperty("user.home"), ".catalog-migration", "snapshots");
            }
            if (dumpTimeout == null) {
                dumpTimeout = Duration.ofHours(12);
            }
        }
    }
}
